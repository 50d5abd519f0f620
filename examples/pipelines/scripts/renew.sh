#!/usr/bin/env bash
# The renewal step: `pulumi up --refresh --yes` on one stack. Subscriptions that are due are renewed
# (PATCH), ones Graph has deleted or expired are created again, and drift is put back to the program.
# Run it on a schedule shorter than the stack's shortest renewBeforeMinutes (../README.md, "Choosing the
# schedule"). Both example pipelines call it; so does test/engine/pipelines.test.ts, against the emulator.
#
# Environment:
#   PULUMI_STACK        the stack (required)
#   PULUMI_PROJECT_DIR  the directory holding Pulumi.yaml (default: the current directory)
#   CANCEL_STALE_LOCK   "true": when the stack is locked, lift the lock with `pulumi cancel` and try once
#                       more. Only where nothing else updates this stack while the pipeline runs (both
#                       example pipelines run one update at a time): a run that was killed leaves its lock.
#   WAIT_FOR_LOCK_SECONDS  when the stack is locked by another run, try again every 10 seconds for up to this
#                       many seconds before giving up (default 0: fail at once with what to do). For pipelines
#                       that may start a run while another still holds the stack; never combine with
#                       CANCEL_STALE_LOCK, which would lift the other run's lock.
#   LARGE_STACK         "true": run with PULUMI_SKIP_CHECKPOINTS=true, for stacks of many hundreds of resources,
#                       where the engine's state write after every step is most of the run (README, "Large
#                       stacks"). A killed run then leaves no record of what it did; the next run of this script
#                       (up --refresh) takes back what it created, by the subscriptions' ownership marks.
#   PIPELINE_SUMMARY_FILE  Markdown summary file (default: GitHub's or Azure DevOps's, see report.sh)
# plus whatever the provider and the backend read (msgraph:* config or MSGRAPH_*/AZURE_* variables).
#
# Exits with pulumi's status.
set -uo pipefail

scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=report.sh source-path=SCRIPTDIR
. "$scripts/report.sh"

stack="${PULUMI_STACK:?set PULUMI_STACK to the stack to renew}"
if [ "${LARGE_STACK:-false}" = "true" ]; then export PULUMI_SKIP_CHECKPOINTS=true; fi
project_dir="${PULUMI_PROJECT_DIR:-.}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

up() {
  # --suppress-outputs: the stack's outputs (every subscription's properties) add nothing to a renewal log.
  pulumi up --refresh --yes --suppress-outputs --non-interactive --stack "$stack" --cwd "$project_dir" 2>&1 | tee "$work/up.log"
  return "${PIPESTATUS[0]}"
}

up
status=$?
recovered=""
waited=0
wait_limit="${WAIT_FOR_LOCK_SECONDS:-0}"
while [ "$status" -ne 0 ] && stack_locked "$work/up.log" && [ "$waited" -lt "$wait_limit" ]; do
  echo "renew: the stack is locked by another run; trying again in 10 seconds (waited ${waited}s of ${wait_limit}s)"
  sleep 10
  waited=$((waited + 10))
  up
  status=$?
done
if [ "$waited" -gt 0 ]; then
  recovered="The stack was locked by another run; this run waited ${waited} seconds for it (WAIT_FOR_LOCK_SECONDS=${wait_limit})."
fi
if [ "$status" -ne 0 ] && stack_locked "$work/up.log" && [ "${CANCEL_STALE_LOCK:-}" = "true" ]; then
  echo "renew: the stack is locked and CANCEL_STALE_LOCK=true: lifting the lock a killed run left, then running again"
  pulumi cancel --yes --non-interactive --stack "$stack" --cwd "$project_dir"
  up
  status=$?
  recovered="The stack was locked by an earlier run; the lock was lifted with \`pulumi cancel\` (CANCEL_STALE_LOCK=true) before this run."
fi

{
  if [ "$status" -eq 0 ]; then
    echo "### Renewal of stack \`$stack\`: done"
  else
    echo "### Renewal of stack \`$stack\`: failed (pulumi exited $status)"
  fi
  echo
  if [ -n "$recovered" ]; then printf '%s\n\n' "$recovered"; fi
  if [ "$status" -eq 0 ]; then
    # Pulumi's own tally of the update (the last one; the preview's comes first): updated (renewed or
    # repaired), created (gone from Graph), unchanged.
    echo '```'
    awk '/^Resources:/ { block = ""; inside = 1 } inside { block = block $0 "\n" } /^Duration:/ { inside = 0 } END { printf "%s", block }' "$work/up.log"
    echo '```'
  else
    echo '```'
    grep -E '^ *error:|^ *warning:' "$work/up.log" | head -n 40
    echo '```'
    if stack_locked "$work/up.log"; then echo; lock_advice "$stack"; fi
  fi
} >"$work/summary.md"
publish_summary renew "$work/summary.md"

if [ "$status" -ne 0 ]; then
  if stack_locked "$work/up.log"; then
    annotate_error "renewal of stack $stack failed: the stack is locked; see the job summary (pulumi cancel, then up --refresh)"
  else
    annotate_error "renewal of stack $stack failed (pulumi exited $status); subscriptions that are due were not renewed"
  fi
fi
exit "$status"
