#!/usr/bin/env bash
# Prints the directory holding a usable `pulumi` CLI.
# Uses a `pulumi` on PATH when it is at least the pinned version; otherwise builds the pinned
# release from the Go module proxy into a cache outside the repository, keyed by version, so
# later runs reuse it. Real users install Pulumi the usual way; this exists because our machines
# can reach the Go module proxy but not the Pulumi release downloads.
#
# The dynamic-provider launcher `pulumi-resource-pulumi-nodejs` (a shell script shipped in the
# @pulumi/pulumi npm package) is copied next to a built binary, where the CLI finds it as a bundled
# plugin. Progress goes to stderr; stdout carries only the bin directory.
#
# With --hosts, it also builds the Python, Go and YAML language hosts into the same directory, each once, so
# that Pulumi.yaml projects in those languages run with the native provider (the engine tests do). The hosts'
# modern modules are refused by the module proxy reachable here; these are the newest that build
# (../shared/research/multi-language.md): python from sdk v3.68.0 (with its pulumi-language-python-exec shim),
# go from sdk v3.66.0 (the last sdk release that carries it), yaml from pulumi-yaml v1.25.0. With a `pulumi` on
# PATH (an official install, which ships modern hosts), nothing is built.
set -euo pipefail

with_hosts=""
for arg in "$@"; do
  case "$arg" in
    --hosts) with_hosts=1 ;;
    *) echo "pulumi-cli: unknown argument $arg (usage: pulumi-cli.sh [--hosts])" >&2; exit 2 ;;
  esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

version="${PULUMI_VERSION:-v3.259.0}"
# The Node.js language host's own module is refused by the module proxy reachable here. Up to v3.68.0 the SDK
# module carried it as a package, and that host still runs today's @pulumi/pulumi programs (see
# ../shared/research/verified-notes.md), so it is built from there, in a wrapper module of its own.
langhost_sdk_version="${PULUMI_LANGHOST_SDK_VERSION:-v3.68.0}"
gohost_sdk_version="v3.66.0"
yamlhost_version="v1.25.0"
cache_root="${PULUMI_MSGRAPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-msgraph-subscriptions}"
out="$cache_root/pulumi-$version"

version_ge() { # $1 >= $2 (both vX.Y.Z)
  [ "$(printf '%s\n%s\n' "${1#v}" "${2#v}" | sort -V | head -n1)" = "${2#v}" ]
}

if [ -z "${PULUMI_FORCE_BUILD:-}" ] && command -v pulumi >/dev/null 2>&1; then
  have="$(PULUMI_SKIP_UPDATE_CHECK=true pulumi version 2>/dev/null || true)"
  if [ -n "$have" ] && version_ge "$have" "$version"; then
    dirname "$(command -v pulumi)"
    exit 0
  fi
fi

install_launcher() { # the launcher resolves @pulumi/pulumi from the program directory at run time
  local launcher="$repo/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [ -f "$launcher" ] && ! cmp -s "$launcher" "$out/bin/pulumi-resource-pulumi-nodejs"; then
    cp "$launcher" "$out/bin/pulumi-resource-pulumi-nodejs.tmp"
    chmod 0755 "$out/bin/pulumi-resource-pulumi-nodejs.tmp"
    mv "$out/bin/pulumi-resource-pulumi-nodejs.tmp" "$out/bin/pulumi-resource-pulumi-nodejs"
  fi
}

# A host's wrapper module: its release's go.mod pins golang.org/x/text with a replace directive, which
# `go install` refuses, so a module of our own restates it.
build_sdk_host() { # name sdk-version package
  local name="$1" sdk="$2" package="$3" work="$out/host-$1-src"
  mkdir -p "$work"
  ( cd "$work"
    printf 'module local.invalid/host-%s\n\ngo 1.25.11\n\nreplace golang.org/x/text => golang.org/x/text v0.3.6\n' "$name" > go.mod
    go get "github.com/pulumi/pulumi/sdk/v3@$sdk" >&2
    go build -trimpath -ldflags "-w -s" -o "$out/bin/pulumi-language-$name.tmp" "$package" >&2 )
  mv "$out/bin/pulumi-language-$name.tmp" "$out/bin/pulumi-language-$name"
}

hosts_cached() {
  [ -x "$out/bin/pulumi-language-python" ] && [ -x "$out/bin/pulumi-language-python-exec" ] \
    && [ -x "$out/bin/pulumi-language-go" ] && [ -x "$out/bin/pulumi-language-yaml" ]
}

build_hosts() {
  export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
  if [ ! -x "$out/bin/pulumi-language-python" ] || [ ! -x "$out/bin/pulumi-language-python-exec" ]; then
    local started=$SECONDS
    build_sdk_host python "$langhost_sdk_version" github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python
    local shim
    shim="$(cd "$out/host-python-src" && go env GOMODCACHE)/github.com/pulumi/pulumi/sdk/v3@$langhost_sdk_version/python/cmd/pulumi-language-python-exec"
    install -m 0755 "$shim" "$out/bin/pulumi-language-python-exec"
    echo "pulumi-cli: built pulumi-language-python ($langhost_sdk_version) in $((SECONDS - started)) s" >&2
  fi
  if [ ! -x "$out/bin/pulumi-language-go" ]; then
    local started=$SECONDS
    build_sdk_host go "$gohost_sdk_version" github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go
    echo "pulumi-cli: built pulumi-language-go ($gohost_sdk_version) in $((SECONDS - started)) s" >&2
  fi
  if [ ! -x "$out/bin/pulumi-language-yaml" ]; then
    local started=$SECONDS
    GOBIN="$out/host-yaml-bin" go install -trimpath -ldflags "-w -s" "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@$yamlhost_version" >&2
    mv "$out/host-yaml-bin/pulumi-language-yaml" "$out/bin/pulumi-language-yaml"
    echo "pulumi-cli: built pulumi-language-yaml ($yamlhost_version) in $((SECONDS - started)) s" >&2
  fi
}

cached() {
  [ -x "$out/bin/pulumi" ] && [ -x "$out/bin/pulumi-language-nodejs" ] \
    && [ "$(PULUMI_SKIP_UPDATE_CHECK=true "$out/bin/pulumi" version 2>/dev/null)" = "$version" ]
}

if cached && { [ -z "$with_hosts" ] || hosts_cached; }; then
  install_launcher
  echo "$out/bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || { echo "pulumi-cli: no pulumi >= $version on PATH and no Go toolchain to build one; install Pulumi (https://www.pulumi.com/docs/install/) or Go >= 1.25.11" >&2; exit 1; }
go_have="$(go env GOVERSION 2>/dev/null || true)"
go_have="${go_have#go}"
if ! version_ge "v${go_have%%[!0-9.]*}" "v1.25.11"; then
  echo "pulumi-cli: Go $go_have is too old to build Pulumi $version (needs >= 1.25.11)" >&2
  exit 1
fi

# One build at a time per cache (parallel `npm test` and `npm start` share it).
mkdir -p "$out"
exec 9>"$out/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if cached; then
  [ -n "$with_hosts" ] && ! hosts_cached && build_hosts
  install_launcher; echo "$out/bin"; exit 0
fi

echo "pulumi-cli: building Pulumi $version from the Go module proxy into $out (first run only; several minutes)" >&2
work="$out/src"
mkdir -p "$work" "$out/bin"
cd "$work"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
cat > go.mod <<MOD
module local.invalid/pulumi-build

go 1.25.11

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
go get -tool "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$version" >&2
go get "github.com/pulumi/pulumi/sdk/v3@$version" >&2
flags=(-trimpath -tags osusergo,grpcnotrace -ldflags "-w -s -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version")
if [ ! -x "$out/bin/pulumi" ] || [ "$(PULUMI_SKIP_UPDATE_CHECK=true "$out/bin/pulumi" version 2>/dev/null)" != "$version" ]; then
  go build "${flags[@]}" -o "$out/bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
  mv "$out/bin/pulumi.tmp" "$out/bin/pulumi"
fi

# The language host, so that plain `pulumi up` runs a Pulumi.yaml project. Its release's go.mod pins
# golang.org/x/text with a replace directive, which `go install` refuses; a wrapper module restates it.
langhost_work="$out/langhost-src"
mkdir -p "$langhost_work"
cd "$langhost_work"
cat > go.mod <<MOD
module local.invalid/pulumi-langhost

go 1.25.11

replace golang.org/x/text => golang.org/x/text v0.3.6
MOD
go get "github.com/pulumi/pulumi/sdk/v3@$langhost_sdk_version" >&2
go build -trimpath -ldflags "-w -s" -o "$out/bin/pulumi-language-nodejs.tmp" \
  github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs >&2
mv "$out/bin/pulumi-language-nodejs.tmp" "$out/bin/pulumi-language-nodejs"
[ -n "$with_hosts" ] && build_hosts
install_launcher
echo "pulumi-cli: built $("$out/bin/pulumi" version) in $out/bin" >&2
echo "$out/bin"
