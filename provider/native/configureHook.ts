import * as path from "node:path";

/** What a Configure request carries: the config variables, and the provider's inputs as a struct. */
export interface ConfigureCall {
  variables: ReadonlyMap<string, string>;
  args: Record<string, unknown>;
}

interface GrpcCall {
  request: {
    getVariablesMap(): { toArray(): Array<[string, string]> };
    getArgs(): { toJavaScript(): Record<string, unknown> } | undefined;
  };
}
type Callback = (error: unknown, response?: unknown) => void;
type Implementation = Record<string, unknown> & { configure(call: GrpcCall, callback: Callback): void };

/**
 * Lets the provider see Configure. `pulumi.provider.main` answers Configure itself and never passes the config
 * on to the provider (@pulumi/pulumi 3.259, provider/server.js: `configure` only sets acceptSecrets,
 * acceptResources and acceptOutputs), so a native provider written in Node has no way to read its settings.
 * The hook wraps the service object main() registers with gRPC: our `onConfigure` runs first, then the SDK's own
 * answer is sent unchanged; when `onConfigure` throws, the engine gets the error, as from a failed configure.
 * Installed once, before main(), on the @grpc/grpc-js that @pulumi/pulumi itself loads.
 */
export function interceptConfigure(onConfigure: (call: ConfigureCall) => void | Promise<void>): void {
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdkDir] })) as {
    Server: { prototype: { addService(service: unknown, implementation: Implementation): void } };
  };
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (service, implementation) {
    const wrapped = Object.create(implementation) as Implementation;
    wrapped.configure = (call, callback) => {
      let variables: ReadonlyMap<string, string>;
      let args: Record<string, unknown>;
      try {
        variables = new Map(call.request.getVariablesMap().toArray());
        args = call.request.getArgs()?.toJavaScript() ?? {};
      } catch (error) {
        callback(error);
        return;
      }
      Promise.resolve()
        .then(() => onConfigure({ variables, args }))
        .then(
          () => implementation.configure(call, callback),
          (error: unknown) => callback(error),
        );
    };
    addService.call(this, service, wrapped);
  };
}
