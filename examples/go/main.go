// New mail in one user's inbox, and changes to the tenant's groups, through the native provider's Go SDK.
//
// Stack config (this project's namespace):
//
//	mailbox          the user whose inbox to watch: object id or userPrincipalName (required)
//	notificationUrl  HTTPS endpoint that answers Graph's validation handshake (required)
//	clientState      secret that Graph sends back in every notification (optional; set with --secret)
//
// Graph settings (tenant, app, cloud, endpoint) are in the `msgraph-subscriptions` namespace or the MSGRAPH_* /
// AZURE_* environment; see README.md.
package main

import (
	"fmt"

	"github.com/pulumi-msgraph-subscriptions/pulumi-msgraph-subscriptions/sdk/go/msgraphsubscriptions"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		mailbox := cfg.Require("mailbox")
		notificationURL := cfg.Require("notificationUrl")
		var clientState pulumi.StringPtrInput
		if _, err := cfg.TrySecret("clientState"); err == nil {
			clientState = cfg.RequireSecret("clientState")
		}

		inbox, err := msgraphsubscriptions.NewSubscription(ctx, "inbox", &msgraphsubscriptions.SubscriptionArgs{
			Resource:        pulumi.String(fmt.Sprintf("users/%s/mailFolders('Inbox')/messages", mailbox)),
			ChangeType:      pulumi.String("created"),
			NotificationUrl: pulumi.String(notificationURL),
			ClientState:     clientState,
			// Three days from each create or renewal (Graph allows up to seven for mail); a `pulumi up` that
			// finds less than a day left renews in place (one PATCH).
			LifetimeMinutes:    pulumi.Int(3 * 24 * 60),
			RenewBeforeMinutes: pulumi.Int(24 * 60),
		})
		if err != nil {
			return err
		}

		groups, err := msgraphsubscriptions.NewSubscription(ctx, "groups", &msgraphsubscriptions.SubscriptionArgs{
			Resource:        pulumi.String("groups"),
			ChangeType:      pulumi.String("updated,deleted"),
			NotificationUrl: pulumi.String(notificationURL),
			ClientState:     clientState,
		})
		if err != nil {
			return err
		}

		ctx.Export("inboxSubscriptionId", inbox.ID())
		ctx.Export("inboxExpirationDateTime", inbox.ExpirationDateTime)
		ctx.Export("groupsSubscriptionId", groups.ID())
		return nil
	})
}
