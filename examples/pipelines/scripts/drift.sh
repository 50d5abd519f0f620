#!/usr/bin/env bash
# The drift step: `pulumi preview --refresh --expect-no-changes` on one stack, read back from Graph, and a
# Markdown summary of what differs: which subscription, which property, Graph's value and the program's.
# Both example pipelines call it; so does test/engine/pipelines.test.ts, against the emulator.
#
# Exit status:
#   0  no drift. Subscriptions that are only due for renewal are listed but do not fail the step (the
#      renewal step renews them); DRIFT_FAIL_ON_RENEWAL=true makes them fail it too.
#   7  drift, or changes the program makes that are not deployed yet (pulumi's --expect-no-changes status)
#   other  the check itself failed (sign-in, Graph unreachable, an invalid program): pulumi's status, or 1
#
# Environment: PULUMI_STACK (required), PULUMI_PROJECT_DIR (default: the current directory),
# DRIFT_FAIL_ON_RENEWAL, PIPELINE_SUMMARY_FILE (see report.sh), plus what the provider and the backend read.
set -uo pipefail

scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=report.sh source-path=SCRIPTDIR
. "$scripts/report.sh"

stack="${PULUMI_STACK:?set PULUMI_STACK to the stack to check}"
project_dir="${PULUMI_PROJECT_DIR:-.}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# --json: every step with the state before and after, which the summary is made from. Secret values
# appear there as "[secret]", as in Pulumi's other output.
pulumi preview --refresh --expect-no-changes --json --non-interactive --stack "$stack" --cwd "$project_dir" \
  >"$work/preview.json" 2>"$work/preview.err"
pulumi_status=$?
cat "$work/preview.err" >&2

node "$scripts/drift-summary.cjs" \
  --preview "$work/preview.json" --stderr "$work/preview.err" --status "$pulumi_status" --stack "$stack" \
  >"$work/summary.md"
verdict=$?
publish_summary drift "$work/summary.md"

case "$verdict" in
  0) exit 0 ;;
  7)
    annotate_error "$(head -n 1 "$work/summary.md" | sed 's/^#* *//; s/`//g'); see the job summary"
    exit 7
    ;;
  *)
    annotate_error "the drift check of stack $stack could not run (pulumi exited $pulumi_status); see the job summary"
    if [ "$pulumi_status" -ne 0 ] && [ "$pulumi_status" -ne 7 ]; then exit "$pulumi_status"; fi
    exit 1
    ;;
esac
