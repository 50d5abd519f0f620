/**
 * Preloaded into every node process of a benchmarked pulumi command (`--require`, set by
 * `npm run bench -- --cpu-prof DIR`): profiles the process with V8's sampling profiler and writes what it
 * has every two seconds. Node's own `--cpu-prof` writes only at a clean exit, and the engine kills the
 * dynamic-provider host when a command ends, so the provider, the process we most want, never wrote one.
 * Each write is a chunk `CPU.<pid>.<seq>.cpuprofile`; scripts/profileSummary.ts adds a process's chunks up.
 */
import * as fs from "node:fs";
import * as inspector from "node:inspector";
import * as path from "node:path";

const dir = process.env.MSGRAPH_CPU_PROF_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  let sequence = 0;
  const start = () => session.post("Profiler.start");
  const flush = () => {
    session.post("Profiler.stop", (error, result) => {
      if (!error && result?.profile) {
        fs.writeFileSync(path.join(dir, `CPU.${process.pid}.${String(sequence++).padStart(4, "0")}.cpuprofile`), JSON.stringify(result.profile));
      }
      start();
    });
  };
  session.post("Profiler.enable", () => {
    session.post("Profiler.setSamplingInterval", { interval: 1000 }, start);
  });
  setInterval(flush, 2000).unref();
  process.on("exit", () => {
    // Synchronous on exit: the session answers inline when the posting thread is the profiled one.
    session.post("Profiler.stop", (error, result) => {
      if (!error && result?.profile) fs.writeFileSync(path.join(dir, `CPU.${process.pid}.${String(sequence++).padStart(4, "0")}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
