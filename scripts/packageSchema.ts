/**
 * Prints the native provider's package schema, generated from the input table and the zod schemas
 * (provider/native/packageSchema.ts). scripts/sdks.sh writes it to sdk/schema.json and generates the SDKs from it.
 */
import { packageSchemaText } from "../provider/native/packageSchema";

process.stdout.write(packageSchemaText());
