/**
 * The webhook app's routes: Graph's change notifications and lifecycle events, both answered by
 * lifecycleNotificationHandler, and a health check for the load balancer. Pulumi creates the subscriptions
 * (their notificationUrl is <this app>/api/notifications, their lifecycleNotificationUrl
 * <this app>/api/lifecycle); this app keeps them alive between pipeline runs and never creates one.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { lifecycleNotificationHandler } from "pulumi-msgraph-subscriptions";

type HandlerOptions = Parameters<typeof lifecycleNotificationHandler>[0];

export interface WebhookAppOptions {
  /** The clientState the stack gives its subscriptions (one secret; a map by subscription id works too). */
  clientState: HandlerOptions["clientState"];
  /** How to reach Graph; default the MSGRAPH_* / AZURE_* environment, as for `pulumi up`. */
  settings?: HandlerOptions["settings"];
  /**
   * Called with { subscriptionId, lifecycleEvent } when Graph removed a subscription: the place to start the
   * pipeline that runs `pulumi up --refresh` (an Azure DevOps incoming webhook, a GitHub repository_dispatch).
   * Default: only logged.
   */
  runPipeline?: (reason: { subscriptionId: string; lifecycleEvent: string }) => Promise<void>;
  logger?: HandlerOptions["logger"];
}

export type WebhookApp = ((request: IncomingMessage, response: ServerResponse) => void) & {
  /** Settles when every notification received so far has been handled (graceful shutdown). */
  settled(): Promise<void>;
};

export function webhookApp(options: WebhookAppOptions): WebhookApp {
  const logger = options.logger ?? console;
  const graph = lifecycleNotificationHandler({
    clientState: options.clientState,
    settings: options.settings,
    logger,
    // Your business logic goes here. Keep it short, or queue the work: the handler has already answered 202.
    onChangeNotification: (notification) => {
      logger.info(`change: ${notification.changeType} ${notification.resource} (subscription ${notification.subscriptionId})`);
    },
    onSubscriptionRemoved: async (notification) => {
      await options.runPipeline?.({ subscriptionId: notification.subscriptionId, lifecycleEvent: notification.lifecycleEvent });
    },
    onMissed: (notification) => {
      logger.warn(`resync needed for subscription ${notification.subscriptionId}: start a delta query of its resource here`);
    },
  });

  const app = (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path === "/api/notifications" || path === "/api/lifecycle") return graph(request, response);
    if (path === "/healthz" && request.method === "GET") {
      response.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
      return;
    }
    response.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
  };
  return Object.assign(app, { settled: () => graph.settled() });
}

/**
 * runPipeline for an Azure DevOps "Incoming WebHook" service connection, or any URL that starts a run when
 * posted to: https://dev.azure.com/<org>/_apis/public/distributedtask/webhooks/<name>?api-version=6.0-preview
 */
export function postTo(url: string): NonNullable<WebhookAppOptions["runPipeline"]> {
  return async (reason) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(reason),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`starting the pipeline failed: ${response.status} ${response.statusText}`);
  };
}
