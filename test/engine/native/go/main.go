// The engine tests' Go program: the subscriptions listed in the stack config key `subscriptions`, through the
// native provider's Go SDK, as test/engine/program does for TypeScript. A clientState comes from the secret
// config key `clientStates` when `secretClientState` is set, as a user keeps it, or is the plain string
// `plainClientState`, as a program that writes it in its code has it. With `reauthorize` set, the program calls
// the provider's reauthorize function for that subscription, outside previews.
package main

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/pulumi-msgraph-subscriptions/pulumi-msgraph-subscriptions/sdk/go/msgraphsubscriptions"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// spec is one subscription as the tests give it: the inputs they use, under their schema names.
type spec struct {
	Resource                 string  `json:"resource"`
	ChangeType               string  `json:"changeType"`
	NotificationUrl          string  `json:"notificationUrl"`
	LifecycleNotificationUrl *string `json:"lifecycleNotificationUrl"`
	ExpirationDateTime       *string `json:"expirationDateTime"`
	LifetimeMinutes          *int    `json:"lifetimeMinutes"`
	RenewBeforeMinutes       *int    `json:"renewBeforeMinutes"`
	ApiVersion               *string `json:"apiVersion"`
	SecretClientState        bool    `json:"secretClientState"`
	PlainClientState         *string `json:"plainClientState"`
	Reauthorize              bool    `json:"reauthorize"`
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		specs := map[string]spec{}
		if text := cfg.Get("subscriptions"); text != "" {
			if err := json.Unmarshal([]byte(text), &specs); err != nil {
				return fmt.Errorf("config subscriptions: %w", err)
			}
		}
		clientStates := cfg.RequireSecret("clientStates")
		names := make([]string, 0, len(specs))
		for name := range specs {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			s := specs[name]
			args := &msgraphsubscriptions.SubscriptionArgs{
				Resource:                 pulumi.String(s.Resource),
				ChangeType:               pulumi.String(s.ChangeType),
				NotificationUrl:          pulumi.String(s.NotificationUrl),
				LifecycleNotificationUrl: pulumi.StringPtrFromPtr(s.LifecycleNotificationUrl),
				ExpirationDateTime:       pulumi.StringPtrFromPtr(s.ExpirationDateTime),
				ApiVersion:               pulumi.StringPtrFromPtr(s.ApiVersion),
			}
			if s.LifetimeMinutes != nil {
				args.LifetimeMinutes = pulumi.IntPtr(*s.LifetimeMinutes)
			}
			if s.RenewBeforeMinutes != nil {
				args.RenewBeforeMinutes = pulumi.IntPtr(*s.RenewBeforeMinutes)
			}
			if s.SecretClientState {
				n := name
				args.ClientState = clientStates.ApplyT(func(text string) (string, error) {
					states := map[string]string{}
					if err := json.Unmarshal([]byte(text), &states); err != nil {
						return "", err
					}
					return states[n], nil
				}).(pulumi.StringOutput)
			}
			if s.PlainClientState != nil {
				args.ClientState = pulumi.String(*s.PlainClientState)
			}
			subscription, err := msgraphsubscriptions.NewSubscription(ctx, name, args)
			if err != nil {
				return err
			}
			outputs := pulumi.Map{"id": subscription.ID(), "expirationDateTime": subscription.ExpirationDateTime, "clientState": subscription.ClientState}
			if s.Reauthorize && !ctx.DryRun() {
				outputs["reauthorizedThrough"] = subscription.ID().ApplyT(func(id pulumi.ID) (string, error) {
					result, err := msgraphsubscriptions.Reauthorize(ctx, &msgraphsubscriptions.ReauthorizeArgs{SubscriptionId: string(id)})
					if err != nil {
						return "", err
					}
					return result.ApiVersion, nil
				}).(pulumi.StringOutput)
			}
			ctx.Export(name, outputs)
		}
		return nil
	})
}
