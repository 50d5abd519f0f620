"""New mail in one user's inbox, and changes to the tenant's groups, through the native provider's Python SDK.

Stack config (this project's namespace):
  mailbox          the user whose inbox to watch: object id or userPrincipalName (required)
  notificationUrl  HTTPS endpoint that answers Graph's validation handshake (required)
  clientState      secret that Graph sends back in every notification (optional; set with --secret)
Graph settings (tenant, app, cloud, endpoint) are in the `msgraph-subscriptions` namespace or the MSGRAPH_* /
AZURE_* environment; see README.md.
"""
import pulumi
import pulumi_msgraph_subscriptions as msgraph

config = pulumi.Config()
mailbox = config.require("mailbox")
notification_url = config.require("notificationUrl")
client_state = config.get_secret("clientState")

inbox = msgraph.Subscription(
    "inbox",
    resource=f"users/{mailbox}/mailFolders('Inbox')/messages",
    change_type="created",
    notification_url=notification_url,
    client_state=client_state,
    # Three days from each create or renewal (Graph allows up to seven for mail); a `pulumi up` that finds less
    # than a day left renews in place (one PATCH).
    lifetime_minutes=3 * 24 * 60,
    renew_before_minutes=24 * 60,
)

groups = msgraph.Subscription(
    "groups",
    resource="groups",
    change_type="updated,deleted",
    notification_url=notification_url,
    client_state=client_state,
)

pulumi.export("inboxSubscriptionId", inbox.id)
pulumi.export("inboxExpirationDateTime", inbox.expiration_date_time)
pulumi.export("groupsSubscriptionId", groups.id)
