#!/usr/bin/env bash
# The native provider's SDKs, made from sdk/schema.json (itself generated from the input table and the zod
# schemas: `node dist/scripts/packageSchema.js`).
#
#   sdks.sh generate   writes sdk/schema.json, then sdk/python and sdk/go with gensdk (tools/gensdk: pkg/v3's own
#                      code generators; `pulumi package gen-sdk` cannot run with the language hosts buildable
#                      here, see docs/sdks.md), and tidies sdk/go's go.mod.
#   sdks.sh check      generates into a temporary directory and compares with what is committed; exit 1 naming
#                      every stale file.
#   sdks.sh python     prints the Python of a virtualenv with the pulumi SDK and the wheel built from sdk/python
#                      (rebuilt when sdk/python changes), for PULUMI_PYTHON_CMD.
#
# gensdk and the virtualenv are cached outside the repository, keyed by what they are built from. Progress goes
# to stderr; stdout carries only what the command prints.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_root="${PULUMI_MSGRAPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-msgraph-subscriptions}"
python_sdk_version="3.259.0" # the Python pulumi SDK, matching the CLI that scripts/pulumi-cli.sh builds
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

digest() { cat "$@" | sha256sum | cut -c1-16; }

gensdk() { # builds once per source, prints its path
  local key out
  key="$(digest "$repo/tools/gensdk/go.mod" "$repo/tools/gensdk/go.sum" "$repo/tools/gensdk/main.go")"
  out="$cache_root/gensdk-$key"
  if [ ! -x "$out/gensdk" ]; then
    local started=$SECONDS
    mkdir -p "$out"
    (cd "$repo/tools/gensdk" && go build -trimpath -o "$out/gensdk.tmp" .) >&2
    mv "$out/gensdk.tmp" "$out/gensdk"
    echo "sdks: built gensdk in $((SECONDS - started)) s" >&2
  fi
  echo "$out/gensdk"
}

generate_into() { # dir: schema.json, python/, go/ (go.mod and go.sum kept from the committed sdk/go)
  local dir="$1" tool
  tool="$(gensdk)"
  mkdir -p "$dir/go"
  node "$repo/dist/scripts/packageSchema.js" > "$dir/schema.json"
  if [ "$dir" != "$repo/sdk" ]; then cp "$repo/sdk/go/go.mod" "$repo/sdk/go/go.sum" "$dir/go/"; fi
  "$tool" "$dir/schema.json" "$dir" python go
}

case "${1:-}" in
  generate)
    generate_into "$repo/sdk"
    (cd "$repo/sdk/go" && go mod tidy >&2)
    echo "sdks: wrote sdk/schema.json, sdk/python and sdk/go" >&2
    ;;
  check)
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    generate_into "$work"
    stale="$(diff -rq "$repo/sdk" "$work" 2>&1 | sed "s#$work#(generated)#g; s#$repo/##g" || true)"
    if [ -n "$stale" ]; then
      echo "sdks: the committed SDKs are not what the tables generate; run npm run sdk and commit the result:" >&2
      echo "$stale" >&2
      exit 1
    fi
    echo "sdks: sdk/ is up to date with the tables" >&2
    ;;
  python)
    key="$(cd "$repo/sdk/python" && find . -type f ! -path './build/*' ! -name '*.egg-info' -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16)"
    venv="$cache_root/python-venv-$python_sdk_version"
    mkdir -p "$cache_root"
    exec 9>"$cache_root/.python.lock"
    if command -v flock >/dev/null 2>&1; then flock 9; fi
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import pulumi" 2>/dev/null; then
      started=$SECONDS
      rm -rf "$venv"
      python3 -m venv "$venv" >&2
      "$venv/bin/pip" install -q --disable-pip-version-check "pulumi==$python_sdk_version" >&2
      echo "sdks: made a virtualenv with pulumi $python_sdk_version in $((SECONDS - started)) s" >&2
    fi
    if [ "$(cat "$venv/.sdk-key" 2>/dev/null || true)" != "$key" ]; then
      # Built from a copy: setup.py would leave build/ and *.egg-info in sdk/python.
      work="$(mktemp -d)"
      trap 'rm -rf "$work"' EXIT
      cp -r "$repo/sdk/python" "$work/src"
      "$venv/bin/pip" wheel -q --disable-pip-version-check --no-deps -w "$work/wheels" "$work/src" >&2
      # The wheel's own dependencies (parver, semver) first, then the wheel itself, anew even at the same version.
      "$venv/bin/pip" install -q --disable-pip-version-check "$work"/wheels/pulumi_msgraph_subscriptions-*.whl >&2
      "$venv/bin/pip" install -q --disable-pip-version-check --no-deps --force-reinstall "$work"/wheels/pulumi_msgraph_subscriptions-*.whl >&2
      echo "$key" > "$venv/.sdk-key"
      echo "sdks: installed $(basename "$work"/wheels/*.whl) into $venv" >&2
    fi
    echo "$venv/bin/python"
    ;;
  *)
    echo "usage: sdks.sh generate | check | python" >&2
    exit 2
    ;;
esac
