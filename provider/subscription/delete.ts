import type { ProviderContext } from "./context";
import { parseState } from "./state";

/** delete: DELETE /subscriptions/{id}. Already gone (deleted out of band, or expired) is what delete wants. */
export async function remove(context: ProviderContext, id: string, props: Record<string, unknown>): Promise<void> {
  const state = parseState(props, context.settings().apiVersion);
  // The state's connection: only the app and tenant that own a subscription can delete it.
  const client = await context.graph(state.connection);
  await client.delete(id, state.graphApiVersion);
}
