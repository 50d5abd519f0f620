import "../compileCache";
import * as pulumi from "@pulumi/pulumi";
import { interceptConfigure } from "./configureHook";
import { NativeProvider } from "./nativeProvider";

/**
 * The native provider plugin's entry point, run by bin/pulumi-resource-msgraph-subscriptions. The engine starts
 * it with its own address as the argument; main() prints the port it serves on.
 */
const provider = new NativeProvider();
interceptConfigure(({ variables, args }) => provider.configure(variables, args));
void pulumi.provider.main(provider, process.argv.slice(2));
