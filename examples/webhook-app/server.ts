/**
 * Starts the webhook app (app.ts) on plain node:http.
 *
 * Environment:
 *   CLIENT_STATE        the clientState the stack's subscriptions were created with (required)
 *   PORT                default 3000
 *   TLS_CERT_FILE, TLS_KEY_FILE   serve HTTPS with this certificate; without them, plain HTTP for a
 *                       TLS-terminating front end (App Service, a reverse proxy, a dev tunnel): Graph only
 *                       posts to https:// addresses
 *   RUN_PIPELINE_URL    posted to when Graph removed a subscription (optional)
 *   MSGRAPH_TENANT_ID, MSGRAPH_CLIENT_ID, MSGRAPH_CLIENT_SECRET (or AZURE_*), MSGRAPH_ENDPOINT, ...
 *                       the app registration that reauthorizes and renews, as for `pulumi up`
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { postTo, webhookApp } from "./app";

const clientState = process.env.CLIENT_STATE;
if (!clientState) {
  console.error("Set CLIENT_STATE to the clientState of the stack's subscriptions (for example the stack secret: pulumi config get clientState).");
  process.exit(2);
}
const port = Number(process.env.PORT ?? 3000);
const certFile = process.env.TLS_CERT_FILE;
const keyFile = process.env.TLS_KEY_FILE;

const app = webhookApp({ clientState, runPipeline: process.env.RUN_PIPELINE_URL ? postTo(process.env.RUN_PIPELINE_URL) : undefined });
const server = certFile && keyFile
  ? https.createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) }, app)
  : http.createServer(app);

server.listen(port, () => {
  const origin = `${certFile && keyFile ? "https" : "http"}://localhost:${port}`;
  console.log(`webhook app on ${origin}: notificationUrl ${origin}/api/notifications, lifecycleNotificationUrl ${origin}/api/lifecycle`);
});

// Stop taking requests, then finish the reauthorizations and renewals already accepted with 202.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close();
    void app.settled().then(() => process.exit(0));
  });
}
