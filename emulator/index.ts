/** Public API of the local Microsoft Graph emulator (see docs/architecture.md, "Emulator"). */
export { startEmulator } from "./emulator";
export type { EmulatorOptions, RunningEmulator } from "./emulator";
export { ensureCertificateAuthority } from "./certificates";
export type { CertificateAuthority } from "./certificates";
export { startWebhookReceiver } from "./webhookReceiver";
export type { RunningReceiver, WebhookReceiverOptions, ReceivedNotification } from "./webhookReceiver";
export { runEmulatorCommand } from "./command";
export type { EmulatorClient, EmulatorClientOptions } from "./clients";
export { consumerTenantId, defaultClientId, defaultTenantId } from "./clients";
export type { EmulatorAdmin, AdminSubscription } from "./admin";
export type { FaultSpec, ActiveFault } from "./faults";
export type { RequestLogEntry } from "./requestLog";
export type { SubscriptionChanges } from "./subscriptions";
