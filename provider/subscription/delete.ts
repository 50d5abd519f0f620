import type { ProviderContext } from "./context";
import { parseState } from "./state";

/** delete: DELETE /subscriptions/{id}. Already gone (deleted out of band, or expired) is what delete wants. */
export async function remove(context: ProviderContext, id: string, props: Record<string, unknown>): Promise<void> {
  const state = parseState(props, context.settings().apiVersion);
  const client = await context.graph();
  await client.delete(id, state.graphApiVersion);
}
