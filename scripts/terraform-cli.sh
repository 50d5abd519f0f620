#!/usr/bin/env bash
# Builds and caches the peer of the benchmark (scripts/benchPeer.ts): the Terraform CLI, the OpenTofu CLI and the
# Microsoft Graph Terraform provider (microsoft/msgraph, whose `msgraph_resource` with url = "subscriptions" is
# what a user would otherwise pick), in a cache outside the repository, keyed by version, so later runs reuse
# them. Like scripts/pulumi-cli.sh, this exists because our machines reach the Go module proxy but not the
# release downloads or the Terraform registry. Progress goes to stderr; stdout carries only KEY=VALUE lines:
#
#   TERRAFORM_BIN=...             terraform (absent when not asked for)
#   TOFU_BIN=...                  tofu (absent when not asked for)
#   MSGRAPH_PROVIDER_VERSION=...  the version under which the provider sits in the mirror
#   TF_PLUGIN_MIRROR=...          a filesystem mirror (unpacked layout) holding only that provider
#
#   scripts/terraform-cli.sh [terraform|tofu|all]     (default: all)
#
# What comes from where, and why (details in the report of issue 9, part 3):
# - Terraform v1.13.3 (the newest version the module proxy serves here). Its go.mod replaces nine remote-state
#   backend modules (and internal/legacy) with directories inside the repository (go.mod lines 305-323). Those
#   directories are modules of their own, so the module zip leaves them out, and the proxy refuses them
#   ("403 ... This module version is not available"). So `go install` refuses, and a plain build of the module
#   fails with "replacement directory ./internal/backend/remote-state/azure does not exist". The build below
#   takes the module, drops those nine backends (azurerm, consul, cos, gcs, kubernetes, oss, pg, s3, oci) from
#   internal/backend/init/init.go and go.mod, and builds the rest unchanged. The benchmark uses the local
#   backend, so it runs the same code paths as a release build.
# - OpenTofu v1.12.6 (the newest the proxy serves here), unchanged. Its one replace directive (hcl) points to
#   a module, so the build runs in a writable copy of the module directory.
# - terraform-provider-msgraph: taken from the Go module proxy when it serves
#   github.com/microsoft/terraform-provider-msgraph (on 2026-11-26 it refused every version with 403). Otherwise
#   the script uses a provider binary already in the mirror below, at
#   registry.terraform.io/microsoft/msgraph/<version>/<platform>/terraform-provider-msgraph_v<version>: put the
#   release binary there (for example with `terraform providers mirror` on a machine that reaches the
#   Terraform registry). Failing that, when MSGRAPH_PROVIDER_SOURCE names a directory holding the provider's source
#   tree (a clone, or a `git archive` export with a COMMIT file giving the commit), it builds that into the mirror
#   as 0.4.0-dev.g<short commit> (0.0.0-dev when no commit is known), the form a build of main after the 0.3
#   releases reports; the tree vendors its dependencies, so the build needs no module the proxy refuses.
#   Without any of these it exits 3 and says so; the benchmark then leaves the peer out and says why.
set -euo pipefail

what="${1:-all}"
case "$what" in terraform|tofu|all) ;; *) echo "usage: $0 [terraform|tofu|all]" >&2; exit 2 ;; esac

terraform_version="${TERRAFORM_VERSION:-v1.13.3}"
tofu_version="${TOFU_VERSION:-v1.12.6}"
provider_module_version="${MSGRAPH_PROVIDER_MODULE_VERSION:-latest}"
cache_root="${PULUMI_MSGRAPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-msgraph-subscriptions}"
out="$cache_root/terraform"
platform="linux_amd64"
case "$(uname -m)" in aarch64|arm64) platform="linux_arm64" ;; esac

export GOTOOLCHAIN=local CGO_ENABLED=0

command -v go >/dev/null 2>&1 || { echo "terraform-cli: no Go toolchain; install Go >= 1.26.6" >&2; exit 1; }
mkdir -p "$out"
exec 9>"$out/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

# --- Terraform ---------------------------------------------------------------------------------------------
terraform_bin="$out/terraform-$terraform_version/terraform"
build_terraform() {
  [ -x "$terraform_bin" ] && return 0
  echo "terraform-cli: building Terraform $terraform_version from the Go module proxy (first run only; a few minutes)" >&2
  local dir; dir="$(GOFLAGS=-mod=mod go mod download -json "github.com/hashicorp/terraform@$terraform_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$dir" ] || { echo "terraform-cli: could not download github.com/hashicorp/terraform@$terraform_version" >&2; exit 1; }
  local src="$out/terraform-$terraform_version/src"
  rm -rf "$src"; mkdir -p "$(dirname "$src")"
  cp -r "$dir" "$src"; chmod -R u+w "$src"
  local backend
  for backend in azure consul cos gcs kubernetes oci oss pg s3; do
    local module="github.com/hashicorp/terraform/internal/backend/remote-state/$backend"
    (cd "$src" && go mod edit -dropreplace "$module" -droprequire "$module")
    sed -i "\#\"$module\"#d" "$src/internal/backend/init/init.go"
  done
  for backend in azurerm consul cos gcs kubernetes oss pg s3 oci; do
    sed -i -E "/^[[:space:]]+\"$backend\":[[:space:]]+func\(\) backend\.Backend \{ return backend[A-Za-z0-9]+\.New\(\) \},\$/d" "$src/internal/backend/init/init.go"
  done
  (cd "$src" && GOFLAGS=-mod=mod go build -trimpath \
    -ldflags "-w -s -X github.com/hashicorp/terraform/version.dev=no" -o "$terraform_bin.tmp" .) >&2
  mv "$terraform_bin.tmp" "$terraform_bin"
  rm -rf "$src"
}

# --- OpenTofu ----------------------------------------------------------------------------------------------
tofu_bin="$out/tofu-$tofu_version/tofu"
build_tofu() {
  [ -x "$tofu_bin" ] && return 0
  echo "terraform-cli: building OpenTofu $tofu_version from the Go module proxy (first run only; several minutes)" >&2
  local dir; dir="$(GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@$tofu_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$dir" ] || { echo "terraform-cli: could not download github.com/opentofu/opentofu@$tofu_version" >&2; exit 1; }
  local src="$out/tofu-$tofu_version/src"
  rm -rf "$src"; mkdir -p "$(dirname "$src")"
  cp -r "$dir" "$src"; chmod -R u+w "$src"
  (cd "$src" && GOFLAGS=-mod=mod go build -trimpath \
    -ldflags "-w -s -X github.com/opentofu/opentofu/version.dev=no" -o "$tofu_bin.tmp" ./cmd/tofu) >&2
  mv "$tofu_bin.tmp" "$tofu_bin"
  rm -rf "$src"
}

# --- the msgraph provider, in a filesystem mirror ------------------------------------------------------------
mirror="$out/mirror"
provider_root="$mirror/registry.terraform.io/microsoft/msgraph"
provider_version=""
find_provider() {
  local bin
  for bin in "$provider_root"/*/"$platform"/terraform-provider-msgraph_v*; do
    [ -x "$bin" ] || continue
    provider_version="$(basename "$(dirname "$(dirname "$bin")")")"
  done
  [ -n "$provider_version" ]
}
# The version under which a source tree outside the proxy goes into the mirror. Terraform wants semver, and a
# pre-release of the next minor marks it as a build of main rather than a release; the commit says which one.
source_version() {
  local tree="$1" commit=""
  if [ -e "$tree/.git" ]; then
    commit="$(git -C "$tree" rev-parse --short=7 HEAD 2>/dev/null || true)"
  fi
  # A `git archive` export has no .git, so whoever exported it can record the commit in a COMMIT file.
  if [ -z "$commit" ] && [ -f "$tree/COMMIT" ]; then
    commit="$(head -n 1 "$tree/COMMIT" | tr 'A-F' 'a-f' | sed -n 's/^[[:space:]]*\([0-9a-f]\{7\}\)[0-9a-f]*[[:space:]]*$/\1/p')"
  fi
  if [ -n "$commit" ]; then echo "0.4.0-dev.g$commit"; else echo "0.0.0-dev"; fi
}
build_provider() {
  find_provider && return 0
  local dir version from
  dir="$(GOFLAGS=-mod=mod go mod download -json "github.com/microsoft/terraform-provider-msgraph@$provider_module_version" 2>/dev/null \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' || true)"
  if [ -n "$dir" ] && [ -d "$dir" ]; then
    version="$(basename "$dir" | sed 's/^.*@v//')"
    from="the Go module proxy"
  elif [ -n "${MSGRAPH_PROVIDER_SOURCE:-}" ]; then
    dir="$MSGRAPH_PROVIDER_SOURCE"
    # The version is stamped through the module path below, so a tree of another module (a different fork or a
    # wrong directory) would build a binary that misreports itself; refuse it instead.
    if ! grep -qx 'module github.com/microsoft/terraform-provider-msgraph' "$dir/go.mod" 2>/dev/null; then
      echo "terraform-cli: MSGRAPH_PROVIDER_SOURCE=$dir does not hold the source of github.com/microsoft/terraform-provider-msgraph" \
        "(no go.mod declaring that module)" >&2
      exit 3
    fi
    version="$(source_version "$dir")"
    from="$dir (MSGRAPH_PROVIDER_SOURCE)"
  else
    echo "terraform-cli: the Go module proxy does not serve github.com/microsoft/terraform-provider-msgraph@$provider_module_version," \
      "and no provider binary is in $provider_root/<version>/$platform/; put the release binary there, or point" \
      "MSGRAPH_PROVIDER_SOURCE at the provider's source tree, to benchmark the peer" >&2
    exit 3
  fi
  echo "terraform-cli: building terraform-provider-msgraph $version from $from" >&2
  # Built in a writable copy: the proxy's module directory is read-only, and -mod=mod must not rewrite the go.mod
  # or go.sum of a caller's tree. A .git stays behind: the build does not need it, and it can be large.
  local src="$out/provider-src-$version"
  rm -rf "$src"; mkdir -p "$src"
  tar -C "$dir" --exclude=./.git -cf - . | tar -C "$src" -xf -
  chmod -R u+w "$src"
  local mod=-mod=mod
  [ -f "$src/vendor/modules.txt" ] && mod=-mod=vendor
  mkdir -p "$provider_root/$version/$platform"
  (cd "$src" && GOFLAGS=$mod go build -trimpath \
    -ldflags "-w -s -X github.com/microsoft/terraform-provider-msgraph/version.ProviderVersion=$version" \
    -o "$provider_root/$version/$platform/terraform-provider-msgraph_v$version" .) >&2
  rm -rf "$src"
  find_provider
}

if [ "$what" = terraform ] || [ "$what" = all ]; then build_terraform; fi
if [ "$what" = tofu ] || [ "$what" = all ]; then build_tofu; fi
build_provider

if [ "$what" = terraform ] || [ "$what" = all ]; then echo "TERRAFORM_BIN=$terraform_bin"; fi
if [ "$what" = tofu ] || [ "$what" = all ]; then echo "TOFU_BIN=$tofu_bin"; fi
echo "MSGRAPH_PROVIDER_VERSION=$provider_version"
echo "TF_PLUGIN_MIRROR=$mirror"
