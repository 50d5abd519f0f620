/** Public API of the local Microsoft Graph emulator (see docs/architecture.md, "Emulator"). */
export { providerEnvironment, providerStackConfig, startEmulator } from "./emulator";
export type { EmulatorOptions, RunningEmulator } from "./emulator";
export { createEncryptionCertificate, ensureCertificateAuthority } from "./certificates";
export type { CertificateAuthority, EncryptionCertificate } from "./certificates";
export { startWebhookReceiver } from "./webhookReceiver";
export type { RunningReceiver, WebhookReceiverOptions, ReceivedNotification, ReceivedValidation } from "./webhookReceiver";
export { runEmulatorCommand } from "./command";
export type { EmulatorClient, EmulatorClientOptions } from "./clients";
export { consumerTenantId, defaultClientId, defaultTenantId } from "./clients";
export type { EmulatorAdmin, AdminSubscription, EmulatorStats } from "./admin";
export type { FaultSpec, ActiveFault, FaultKind, FaultStats } from "./faults";
export type { ThrottleOptions, ThrottleState } from "./throttle";
export type { QuotaState } from "./quotas";
export type { RequestLogEntry } from "./requestLog";
export { latencyHeader } from "./server";
export type { SubscriptionChanges } from "./subscriptions";
export type { ChangeNotificationSpec, LifecycleEvent, NotificationDelivery } from "./notifier";
