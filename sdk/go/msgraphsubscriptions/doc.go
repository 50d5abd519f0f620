// Microsoft Graph change-notification subscriptions as Pulumi resources: validated against Graph's documented rules before anything is sent, renewed by pulumi up.
package msgraphsubscriptions
