"""The engine tests' Python program: the subscriptions listed in the stack config key `subscriptions`, through
the native provider's Python SDK, as test/engine/program does for TypeScript. Each input is given under its
schema name ({"resource": ..., "changeType": ...}) and passed as the SDK's keyword argument.

- A clientState comes from the secret config key `clientStates` when `secretClientState` is set, as a user keeps
  it, or is the plain string `plainClientState`, as a program that writes it in its code has it.
- A connection's clientSecret comes from the secret config key `connectionSecrets` when `secretConnection` is set.
- Explicit providers: `providers` ({"<name>": {tenantId, clientId, ...}}) declares one msgraph.Provider each, its
  clientSecret from the secret config key `providerSecrets`; a subscription's `provider` names the one it uses.
- With `reauthorize` set, the program calls the provider's reauthorize function for that subscription, outside
  previews."""
import re

import pulumi
import pulumi_msgraph_subscriptions as msgraph

config = pulumi.Config()
specs = config.get_object("subscriptions") or {}
client_states = config.require_secret_object("clientStates")
connection_secrets = config.require_secret_object("connectionSecrets")
provider_secrets = config.get_secret_object("providerSecrets")


def keyword(name: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


providers = {
    name: msgraph.Provider(
        name,
        client_secret=provider_secrets.apply(lambda secrets, n=name: secrets[n]),
        **{keyword(key): value for key, value in settings.items()},
    )
    for name, settings in (config.get_object("providers") or {}).items()
}

for name, spec in specs.items():
    spec = dict(spec)
    secret_client_state = spec.pop("secretClientState", False)
    plain_client_state = spec.pop("plainClientState", None)
    secret_connection = spec.pop("secretConnection", False)
    reauthorize = spec.pop("reauthorize", False)
    provider = spec.pop("provider", None)
    args = {keyword(key): value for key, value in spec.items()}
    if secret_client_state:
        args["client_state"] = client_states.apply(lambda states, n=name: states[n])
    if plain_client_state is not None:
        args["client_state"] = plain_client_state
    if "connection" in args:
        connection = {keyword(key): value for key, value in args["connection"].items()}
        if secret_connection:
            connection["client_secret"] = connection_secrets.apply(lambda secrets, n=name: secrets[n])
        args["connection"] = msgraph.ConnectionArgs(**connection)
    options = pulumi.ResourceOptions(provider=providers[provider]) if provider else None
    subscription = msgraph.Subscription(name, opts=options, **args)
    outputs = {"id": subscription.id, "expirationDateTime": subscription.expiration_date_time, "clientState": subscription.client_state}
    if reauthorize and not pulumi.runtime.is_dry_run():
        outputs["reauthorizedThrough"] = subscription.id.apply(lambda id: msgraph.reauthorize(subscription_id=id).api_version)
    pulumi.export(name, outputs)
