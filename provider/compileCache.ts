import * as nodeModule from "node:module";

/**
 * Turns on Node's on-disk cache of compiled code (Node 22.1+; in the system's temporary directory, or
 * NODE_COMPILE_CACHE) for the provider process. Each pulumi command starts the provider anew, up to twice
 * (up's preview and update), and each start compiled the implementation and its libraries (zod,
 * @azure/identity, the Graph client, undici) from source: 0.3 s of a provider's 2 s of CPU at N = 200
 * (BENCHMARKS.md, --cpu-prof). Imported for its effect, before anything else, by both fronts.
 */
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
