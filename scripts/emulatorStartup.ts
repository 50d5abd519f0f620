#!/usr/bin/env node
/**
 * Measures how long the Graph emulator takes to be ready, as test hooks and the demo see it: loading its
 * modules, a first start that creates the certificate authority, and starts that reuse it (the usual
 * case). Prints one JSON line of milliseconds; `npm run benchmark` reports it.
 *
 *   node dist/scripts/emulatorStartup.js [--runs N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } }, strict: true });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, not '${values.runs}'`);
  const loading = performance.now();
  const { startEmulator, startWebhookReceiver } = await import("../emulator");
  const loadMs = performance.now() - loading;
  const stateDir = mkdtempSync(path.join(tmpdir(), "emulator-startup-"));
  try {
    const time = async (start: () => Promise<{ close(): Promise<void> }>) => {
      const started = performance.now();
      const server = await start();
      const ms = performance.now() - started;
      await server.close();
      return ms;
    };
    const firstStartMs = await time(() => startEmulator({ stateDir }));
    const starts: number[] = [];
    for (let i = 0; i < runs; i++) starts.push(await time(() => startEmulator({ stateDir })));
    const receiverMs = await time(() => startWebhookReceiver({ stateDir }));
    const median = [...starts].sort((a, b) => a - b)[Math.floor(starts.length / 2)]!;
    const round = (ms: number) => Math.round(ms);
    process.stdout.write(`${JSON.stringify({ loadMs: round(loadMs), firstStartMs: round(firstStartMs), medianStartMs: round(median), receiverStartMs: round(receiverMs), runs })}\n`);
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`emulator-startup: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
