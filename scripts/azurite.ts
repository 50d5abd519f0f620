import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { repoRoot } from "./pulumiProject";

/**
 * Azure Blob Storage on this machine: Azurite (npm `azurite`), the storage emulator Microsoft ships, as a real
 * `azblob://` state backend for the Pulumi CLI. Started and stopped by whoever needs it (the engine tests, the
 * reliability script), like the Graph emulator. The account and key are Azurite's published development ones.
 */
export const azuriteAccount = "devstoreaccount1";
// Azurite's well-known development key (learn.microsoft.com/azure/storage/common/storage-use-azurite): public, and
// good for nothing but a local emulator.
export const azuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteBackend {
  /** PULUMI_BACKEND_URL for the container. */
  url: string;
  /** The environment the CLI signs in to the account with. */
  env: Record<string, string>;
}

export interface RunningAzurite {
  /** http://127.0.0.1:PORT/devstoreaccount1 */
  endpoint: string;
  /** A container made now, and the backend URL and environment that reach it. */
  backend(container: string): Promise<AzuriteBackend>;
  /** Azurite does not stop on SIGTERM or SIGINT (verified-notes.md): SIGKILL, then wait for the exit. */
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the port takes connections; rejects when the process ends first or after `timeoutMs`. */
function listening(child: ChildProcess, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.once("exit", (code) => reject(new Error(`azurite-blob exited (${code}) before listening: ${output.trim()}`)));
    const attempt = () => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`azurite-blob did not listen on ${port} within ${timeoutMs} ms: ${output.trim()}`));
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

export async function startAzurite(options: { location: string; timeoutMs?: number }): Promise<RunningAzurite> {
  fs.mkdirSync(options.location, { recursive: true });
  const port = await freePort();
  const bin = path.join(repoRoot, "node_modules", "azurite", "dist", "src", "blob", "main.js");
  const child = spawn(process.execPath, [bin, "--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", options.location, "--silent", "--skipApiVersionCheck"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await listening(child, port, options.timeoutMs ?? 30_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}/${azuriteAccount}`;
  return {
    endpoint,
    async backend(container) {
      const { BlobServiceClient, StorageSharedKeyCredential } = await import("@azure/storage-blob");
      const service = new BlobServiceClient(endpoint, new StorageSharedKeyCredential(azuriteAccount, azuriteKey));
      // The CLI does not create the container (ContainerNotFound otherwise).
      await service.getContainerClient(container).createIfNotExists();
      return {
        url: `azblob://${container}?localemu=true&domain=127.0.0.1:${port}&protocol=http`,
        env: { AZURE_STORAGE_ACCOUNT: azuriteAccount, AZURE_STORAGE_KEY: azuriteKey },
      };
    },
    async close() {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
