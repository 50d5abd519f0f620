/**
 * Every line a test file prints (console, stdout, stderr) is kept, and after the file's last test it is
 * searched for the secrets the file declared with watchSecrets(...) and for anything shaped like a JWT.
 * A leak fails the file, naming where the secret showed up (by its first characters only).
 * Loaded for every test file by jest.config.js (setupFilesAfterEnv). Engine tests also check the CLI's
 * output and the state files (test/engine/harness.ts, World.close).
 */
const printed: string[] = [];
const secrets = new Set<string>();
const jwt = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/;

/** Values this test file uses that must never be printed. */
export function watchSecrets(...values: Array<string | undefined>): void {
  for (const value of values) if (value && value.length >= 6) secrets.add(value);
}

for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    printed.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
for (const level of ["log", "info", "warn", "error", "debug"] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    printed.push(args.map((arg) => (arg instanceof Error ? `${arg.message}\n${arg.stack}` : typeof arg === "string" ? arg : safeJson(arg))).join(" "));
    original(...args);
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

afterAll(() => {
  const leaks: string[] = [];
  for (const text of printed) {
    for (const secret of secrets) if (text.includes(secret)) leaks.push(`secret '${secret.slice(0, 3)}…' printed in: ${JSON.stringify(text.slice(0, 200))}`);
    if (jwt.test(text)) leaks.push(`a JWT printed in: ${JSON.stringify(text.slice(0, 200))}`);
  }
  if (leaks.length > 0) throw new Error(`secrets were printed:\n${leaks.join("\n")}`);
});
