/**
 * Messages posted, edited and deleted in one Teams channel, delivered with their content ("rich"
 * notifications, includeResourceData). Graph encrypts that content with the public key of the
 * certificate given here; the receiver decrypts it with the private key, which never comes near
 * Pulumi. Teams subscriptions longer than an hour also need a lifecycle URL.
 *
 * Stack config (this project's namespace):
 *   teamId, channelId           the channel to watch (required)
 *   notificationUrl             HTTPS endpoint for the notifications (required)
 *   lifecycleNotificationUrl    HTTPS endpoint for lifecycle events (required)
 *   encryptionCertificateFile   the public X.509 certificate, PEM or DER, relative to the project
 *                               directory or absolute (required)
 *   encryptionCertificateId     your name for that certificate (default: its SHA-256 fingerprint)
 *   clientState                 secret that Graph sends back in every notification (optional; --secret)
 */
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { Subscription } from "pulumi-msgraph-subscriptions";

const config = new pulumi.Config();
const certificateFile = config.require("encryptionCertificateFile");
// X509Certificate takes PEM or DER and fails on anything else, so a wrong file (a private key alone, a
// certificate request) stops the preview here with the file's name instead of reaching Graph.
const certificate = new X509Certificate(fs.readFileSync(certificateFile));

// Every notification names the certificate it was encrypted for, so the receiver can pick the matching
// private key. The fingerprint changes with the certificate, so a rotated certificate can never be
// mistaken for the old one. (Changing the certificate or its id replaces the subscription: Graph
// cannot change them in place.)
const certificateId = config.get("encryptionCertificateId") ?? certificate.fingerprint256.replace(/:/g, "");

const channelMessages = new Subscription("channel-messages", {
  resource: `teams/${config.require("teamId")}/channels/${config.require("channelId")}/messages`,
  changeType: ["created", "updated", "deleted"],
  notificationUrl: config.require("notificationUrl"),
  lifecycleNotificationUrl: config.require("lifecycleNotificationUrl"),
  clientState: config.getSecret("clientState"),
  includeResourceData: true,
  // Graph wants the DER bytes in Base64, which is what `raw` holds whether the file was PEM or DER.
  encryptionCertificate: certificate.raw.toString("base64"),
  encryptionCertificateId: certificateId,
  // One day, renewed by any `pulumi up` in its last six hours. Teams allows up to three days.
  lifetimeMinutes: 24 * 60,
  renewBeforeMinutes: 6 * 60,
});

export const subscriptionId = channelMessages.id;
export const expirationDateTime = channelMessages.expirationDateTime;
export const encryptionCertificateId = certificateId;
// When to rotate: a new certificate file replaces the subscription on the next `pulumi up`.
export const certificateValidTo = certificate.validTo;
