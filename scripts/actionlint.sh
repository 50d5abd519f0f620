#!/usr/bin/env bash
# Runs actionlint on GitHub Actions workflows: `bash scripts/actionlint.sh [workflow files...]`
# (default: the example workflow in examples/pipelines/github-actions/). Exits with actionlint's status.
#
# Uses an `actionlint` on PATH when it is the pinned version; otherwise builds the pinned release from the
# Go module proxy into a cache outside the repository (like scripts/pulumi-cli.sh), keyed by version, so
# later runs reuse it: about 30 s on two cores the first time, well under a second afterwards.
#
# A build that cannot succeed fails at once and says why: no Go, a Go too old, or a module proxy that does
# not deliver the sources within ACTIONLINT_PROXY_TIMEOUT seconds (default 60). Progress goes to stderr.
#
# ShellCheck and pyflakes are off by default, so the result does not depend on what else the machine has
# installed; ACTIONLINT_SHELLCHECK=shellcheck turns ShellCheck on. (The example workflow's `run:` steps
# only call the scripts in examples/pipelines/scripts; `shellcheck -x` runs on those directly.)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

version="${ACTIONLINT_VERSION:-v1.7.12}"
module="github.com/rhysd/actionlint"
cache_root="${PULUMI_MSGRAPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-msgraph-subscriptions}"
out="$cache_root/actionlint-$version"
binary="$out/bin/actionlint"
proxy_timeout="${ACTIONLINT_PROXY_TIMEOUT:-60}"
build_timeout="${ACTIONLINT_BUILD_TIMEOUT:-600}"

fail() {
  echo "actionlint: $*" >&2
  exit 1
}

reports_version() { # $1 is an actionlint binary printing the pinned version first
  [ -x "$1" ] && [ "$("$1" -version 2>/dev/null | head -n1)" = "$version" ]
}

version_ge() { # $1 >= $2 (both X.Y.Z)
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]
}

build() {
  command -v go >/dev/null 2>&1 || fail "no actionlint $version on PATH and no Go toolchain to build it; install Go >= 1.25 or actionlint $version (https://github.com/rhysd/actionlint)"
  local go_have
  go_have="$(go env GOVERSION 2>/dev/null || true)"
  go_have="${go_have#go}"
  version_ge "${go_have%%[!0-9.]*}" "1.25" || fail "Go $go_have is too old to build actionlint $version (needs >= 1.25)"

  # One build at a time per cache (parallel test runs share it).
  mkdir -p "$out/bin"
  exec 9>"$out/.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  if reports_version "$binary"; then return; fi

  echo "actionlint: building $version from the Go module proxy into $out (first run only; about 30 s)" >&2
  # A wrapper module, so that every download happens in one step with a deadline: a proxy that hangs would
  # otherwise stall `go install` for minutes before Go gives up. The build itself then runs offline.
  mkdir -p "$out/src"
  cd "$out/src"
  printf 'module local.invalid/actionlint-build\n\ngo 1.25.0\n' > go.mod
  rm -f go.sum
  export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
  if ! timeout "$proxy_timeout" go get "$module/cmd/actionlint@$version" >"$out/download.log" 2>&1; then
    local detail
    detail="$(tail -n 5 "$out/download.log")"
    fail "could not download $module@$version and its dependencies from $(go env GOPROXY) (giving up after ${proxy_timeout}s): ${detail:-no answer}"
  fi
  GOPROXY=off timeout "$build_timeout" go build -trimpath -ldflags "-s -w -X $module.version=$version" -o "$binary.tmp" "$module/cmd/actionlint" >&2 \
    || fail "go build of $module/cmd/actionlint@$version failed (output above)"
  mv "$binary.tmp" "$binary"
  rm -f "$out/download.log"
  reports_version "$binary" || fail "the build in $binary does not report version $version"
  echo "actionlint: built $version in $out/bin" >&2
}

if [ -z "${ACTIONLINT_FORCE_BUILD:-}" ] && command -v actionlint >/dev/null 2>&1 && reports_version "$(command -v actionlint)"; then
  binary="$(command -v actionlint)"
elif ! reports_version "$binary"; then
  build
fi

if [ "$#" -eq 0 ]; then
  set -- "$repo/examples/pipelines/github-actions/msgraph-subscriptions.yml"
fi
exec "$binary" -shellcheck="${ACTIONLINT_SHELLCHECK:-}" -pyflakes= "$@"
