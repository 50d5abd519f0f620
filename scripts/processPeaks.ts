import * as fs from "node:fs";

/**
 * Peak resident memory of processes picked by their command line, sampled from /proc while a command runs
 * (VmHWM is the kernel's own high-water mark, so a short spike between samples still counts as long as the
 * process is alive at a later sample). Linux only; elsewhere the peaks stay undefined.
 */
export class ProcessPeaks<Name extends string> {
  private readonly peaksKb = new Map<Name, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly patterns: Record<Name, RegExp>) {
    this.timer = setInterval(() => this.sample(), 100);
    this.timer.unref();
  }

  /** Megabytes, by name. */
  stop(): Partial<Record<Name, number>> {
    this.sample();
    clearInterval(this.timer);
    return Object.fromEntries([...this.peaksKb].map(([name, kb]) => [name, Math.round(kb / 1024)])) as Partial<Record<Name, number>>;
  }

  private sample(): void {
    let pids: string[];
    try {
      pids = fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
    } catch {
      return;
    }
    for (const pid of pids) {
      try {
        const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
        const name = (Object.keys(this.patterns) as Name[]).find((key) => this.patterns[key].test(commandLine));
        if (!name) continue;
        const kb = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
        this.peaksKb.set(name, Math.max(this.peaksKb.get(name) ?? 0, kb));
      } catch {
        // the process ended between listing and reading
      }
    }
  }
}
