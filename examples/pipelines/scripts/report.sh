# shellcheck shell=bash
# Reporting to the CI system, shared by renew.sh and drift.sh (sourced, not run).
#
# The job summary goes to PIPELINE_SUMMARY_FILE, else GitHub's GITHUB_STEP_SUMMARY, else, on Azure DevOps
# (TF_BUILD=True), a file in the agent's temp directory that `##vso[task.uploadsummary]` attaches to the
# run. Elsewhere (a laptop) there is no summary file and the summary is only printed.

# The summary file for this step ($1 names the step), or nothing.
summary_file() {
  if [ -n "${PIPELINE_SUMMARY_FILE:-}" ]; then
    echo "$PIPELINE_SUMMARY_FILE"
  elif [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    echo "$GITHUB_STEP_SUMMARY"
  elif [ "${TF_BUILD:-}" = "True" ] && [ -n "${AGENT_TEMPDIRECTORY:-}" ]; then
    echo "$AGENT_TEMPDIRECTORY/msgraph-subscriptions-$1.md"
  fi
}

# Prints the Markdown in file $2 and appends it to the step's summary ($1 names the step).
publish_summary() {
  local file
  file="$(summary_file "$1")"
  cat "$2"
  if [ -n "$file" ]; then
    cat "$2" >>"$file"
    # Azure DevOps attaches the file to the run's Extensions tab; GitHub reads GITHUB_STEP_SUMMARY itself.
    if [ "${TF_BUILD:-}" = "True" ]; then echo "##vso[task.uploadsummary]$file"; fi
  fi
}

# An error the CI system shows on the run's page, besides the log.
annotate_error() {
  if [ "${GITHUB_ACTIONS:-}" = "true" ]; then
    echo "::error title=Microsoft Graph subscriptions::$1"
  elif [ "${TF_BUILD:-}" = "True" ]; then
    echo "##vso[task.logissue type=error]$1"
  else
    echo "error: $1" >&2
  fi
}

# Whether the Pulumi output in file $1 says the stack is locked by another (or a killed) update: the
# self-managed backends' lock file, or Pulumi Cloud's update in progress.
stack_locked() {
  grep -Eq "the stack is currently locked|Another update is currently in progress" "$1"
}

# What to do about a lock that a killed run left (the README, "Interrupted runs").
lock_advice() {
  cat <<ADVICE
The stack is locked. If another run is updating it (two pipeline runs at once), let that run finish and run
this one again; set WAIT_FOR_LOCK_SECONDS to make renew.sh wait by itself, and serialise runs per stack (the
example pipelines do: GitHub Actions \`concurrency\`, an Azure DevOps exclusive lock). If no other \`pulumi\`
command is running on it, a killed run left the lock:
lift it with \`pulumi cancel --yes --stack $1\`, then run \`pulumi up --refresh --yes --stack $1\`.
The refresh takes back any subscription the killed run created but did not record. Pipelines that
never run two updates of this stack at once can set CANCEL_STALE_LOCK=true to do this by themselves.
ADVICE
}
