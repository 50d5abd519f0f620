#!/usr/bin/env bash
# Signs the provider in to Microsoft Entra with workload identity federation, with no stored secret:
#
#   federated-token.sh bash renew.sh
#
# writes the CI system's OIDC token to a file, points AZURE_FEDERATED_TOKEN_FILE at it, sets AZURE_CLIENT_ID
# and AZURE_TENANT_ID, runs the command, and exits with its status. The provider's workload identity
# credential (@azure/identity's WorkloadIdentityCredential) exchanges the token for a Graph access token.
#
# The tokens are short-lived (GitHub's expire five minutes after they are issued), and every Pulumi
# command starts new provider processes that sign in anew, so the file is rewritten every
# FEDERATED_TOKEN_REFRESH_SECONDS (default 120) for as long as the command runs.
#
# Where the token comes from, the first that is set up:
#   GitHub Actions, with `permissions: id-token: write`: ACTIONS_ID_TOKEN_REQUEST_URL and
#     ACTIONS_ID_TOKEN_REQUEST_TOKEN, for the audience FEDERATED_TOKEN_AUDIENCE (default
#     api://AzureADTokenExchange; it must match the audience of the app's federated credential).
#   Azure DevOps, in an AzureCLI@2 step with a workload identity federation service connection:
#     SYSTEM_OIDCREQUESTURI, SYSTEM_ACCESSTOKEN (map $(System.AccessToken) into the step's env) and the
#     connection's id (AZURESUBSCRIPTION_SERVICE_CONNECTION_ID, set by the task). Without
#     SYSTEM_ACCESSTOKEN, the token the task passes as idToken (addSpnToEnvironment: true), which cannot
#     be renewed, so a long command may outlive it.
# The app: AZURE_CLIENT_ID and AZURE_TENANT_ID; on Azure DevOps they default to the service connection's.
set -uo pipefail

audience="${FEDERATED_TOKEN_AUDIENCE:-api://AzureADTokenExchange}"
interval="${FEDERATED_TOKEN_REFRESH_SECONDS:-120}"

fail() {
  echo "federated-token: $*" >&2
  exit 1
}

[ "$#" -gt 0 ] || fail "usage: federated-token.sh <command> [arguments...]"

# The token's value in the JSON answer $1 under key $2; fails on anything else.
token_in() {
  node -e '
    const [text, key] = process.argv.slice(1);
    let value;
    try { value = JSON.parse(text)[key]; } catch {}
    if (typeof value !== "string" || value === "") process.exit(1);
    process.stdout.write(value);
  ' "$1" "$2"
}

if [ -n "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ] && [ -n "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-}" ]; then
  source_name="GitHub Actions OIDC"
  fetch_token() {
    local answer
    answer="$(curl -fsS --max-time 30 -G --data-urlencode "audience=$audience" \
      -H "Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL")" || return 1
    token_in "$answer" value
  }
elif [ -n "${SYSTEM_OIDCREQUESTURI:-}" ] && [ -n "${SYSTEM_ACCESSTOKEN:-}" ] && [ -n "${AZURESUBSCRIPTION_SERVICE_CONNECTION_ID:-}" ]; then
  source_name="Azure DevOps OIDC (service connection $AZURESUBSCRIPTION_SERVICE_CONNECTION_ID)"
  fetch_token() {
    local answer
    answer="$(curl -fsS --max-time 30 -X POST -H "Authorization: Bearer $SYSTEM_ACCESSTOKEN" \
      -H "Content-Type: application/json" -H "X-TFS-FedAuthRedirect: Suppress" \
      "$SYSTEM_OIDCREQUESTURI?api-version=7.1&serviceConnectionId=$AZURESUBSCRIPTION_SERVICE_CONNECTION_ID")" || return 1
    token_in "$answer" oidcToken
  }
elif [ -n "${idToken:-}" ]; then
  source_name="Azure DevOps idToken (not renewable)"
  interval=""
  fetch_token() { printf '%s' "$idToken"; }
else
  fail "no OIDC token source: on GitHub Actions give the job 'permissions: id-token: write'; on Azure DevOps run this in an AzureCLI@2 step with a workload identity federation service connection and map SYSTEM_ACCESSTOKEN: \$(System.AccessToken) into its env"
fi

export AZURE_CLIENT_ID="${AZURE_CLIENT_ID:-${AZURESUBSCRIPTION_CLIENT_ID:-${servicePrincipalId:-}}}"
export AZURE_TENANT_ID="${AZURE_TENANT_ID:-${AZURESUBSCRIPTION_TENANT_ID:-${tenantId:-}}}"
[ -n "$AZURE_CLIENT_ID" ] || fail "AZURE_CLIENT_ID is not set: set it to the application (client) id of the app registration that has the federated credential"
[ -n "$AZURE_TENANT_ID" ] || fail "AZURE_TENANT_ID is not set: set it to the app's directory (tenant) id"

dir="$(mktemp -d "${RUNNER_TEMP:-${AGENT_TEMPDIRECTORY:-${TMPDIR:-/tmp}}}/federated-token.XXXXXX")"
export AZURE_FEDERATED_TOKEN_FILE="$dir/token"
refresher=""
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
  if [ -n "$refresher" ]; then kill "$refresher" 2>/dev/null; wait "$refresher" 2>/dev/null; fi
  rm -rf "$dir"
}
trap cleanup EXIT

# Replaces the file in one step, so the credential never reads half a token.
write_token() {
  fetch_token >"$AZURE_FEDERATED_TOKEN_FILE.new" && mv "$AZURE_FEDERATED_TOKEN_FILE.new" "$AZURE_FEDERATED_TOKEN_FILE"
}

write_token || fail "could not get an OIDC token from $source_name"
echo "federated-token: signed in as app $AZURE_CLIENT_ID with a token from $source_name" >&2

if [ -n "$interval" ]; then
  (
    sleeper=""
    trap 'if [ -n "$sleeper" ]; then kill "$sleeper" 2>/dev/null; fi; exit 0' TERM
    while true; do
      sleep "$interval" &
      sleeper=$!
      wait "$sleeper"
      write_token || echo "federated-token: could not renew the OIDC token from $source_name; the current one expires soon" >&2
    done
  ) &
  refresher=$!
fi

"$@"
exit $?
