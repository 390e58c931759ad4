#!/usr/bin/env bash
# Installs what the end-to-end tests need, if missing (idempotent; a warm rerun takes well under
# a second):
#   - Debian packages: chromium (the browser playwright-core drives) and the packages needed to
#     build code-server's native modules (build-essential python3 pkg-config libkrb5-dev
#     libxkbfile-dev libsecret-1-dev ripgrep);
#   - code-server (npm package, the full VS Code "reh-web" build) into .vscode-test/cs, with the
#     offline workarounds from docs/e2e.md: ripgrep download cache seeded from Debian's rg,
#     npm_config_yes=true (node-pty's `npx node-gyp`), --unsafe-perm (root).
#
# Exit codes: 0 ready; 3 prerequisites are missing and cannot be installed here (not root, no
# apt-get, unsupported architecture): the lines starting with "e2e setup: missing" say what;
# anything else is a failure. test/e2e/run.mjs treats 3 as "skip" (or as a failure when CI=true).
set -euo pipefail

CS_VERSION=4.99.4           # code-server 4.99.4 = VS Code 1.99.3
RG_PKG_VERSION=1.15.11      # @vscode/ripgrep inside code-server 4.99.4
RG_ASSET_VERSION=v13.0.0-10 # the ripgrep release that @vscode/ripgrep 1.15.11 downloads
APT_PACKAGES=(chromium build-essential python3 pkg-config libkrb5-dev libxkbfile-dev libsecret-1-dev ripgrep)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VT="$ROOT/.vscode-test"
CS_DIR="$VT/cs"
STAMP="$CS_DIR/.e2e-installed"
say() { echo "e2e setup: $*"; }
missing_exit() { for m in "$@"; do echo "e2e setup: missing: $m" >&2; done; exit 3; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) RG_TRIPLE=x86_64-unknown-linux-musl ;;
  Linux-aarch64) RG_TRIPLE=aarch64-unknown-linux-musl ;;
  *) missing_exit "a Linux x86_64 or aarch64 machine (this is $(uname -s) $(uname -m))" ;;
esac
NODE_ABI=$(node -p 'process.versions.modules')
# Native modules are built for this Node ABI and architecture: a change rebuilds.
STAMP_KEY="code-server@$CS_VERSION node-abi=$NODE_ABI arch=$(uname -m)"

mkdir -p "$VT"
# Serialise concurrent setups (two test runs in one checkout).
if command -v flock >/dev/null 2>&1 && exec 9>"$VT/.setup.lock"; then flock 9; fi

# ---- 1. Debian packages -------------------------------------------------------------------
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${APT_PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ] || missing+=("$p")
  done
else
  # Not Debian: check the commands the packages provide.
  for c in chromium:chromium rg:ripgrep cc:build-essential make:build-essential python3:python3 pkg-config:pkg-config; do
    command -v "${c%%:*}" >/dev/null 2>&1 || missing+=("${c#*:}")
  done
  for lib in krb5-gssapi:libkrb5-dev xkbfile:libxkbfile-dev libsecret-1:libsecret-1-dev; do
    pkg-config --exists "${lib%%:*}" 2>/dev/null || missing+=("${lib#*:}")
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    missing_exit "Debian packages ${missing[*]} (not root, cannot install them; run: sudo apt-get install -y --no-install-recommends ${missing[*]})"
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    missing_exit "Debian packages ${missing[*]} (no apt-get on this machine; install the equivalent packages)"
  fi
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Install from the current lists first; update the lists only if that fails.
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >"$VT/apt.log" 2>&1; then
    apt-get update -q >>"$VT/apt.log" 2>&1 || true
    apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$VT/apt.log" 2>&1 \
      || { tail -20 "$VT/apt.log" >&2; say "apt-get install failed (log: $VT/apt.log)" >&2; exit 1; }
  fi
fi
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { say "no chromium at $CHROMIUM" >&2; exit 1; }

# ---- 2. code-server --------------------------------------------------------------------------
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_KEY" ] && [ -x "$CS_BIN" ]; then
  say "ready ($STAMP_KEY; chromium $CHROMIUM)"
  exit 0
fi

rm -rf "$CS_DIR/node_modules" "$STAMP"
mkdir -p "$CS_DIR"

# A finished install is also kept in a per-user cache (keyed like the stamp), so a fresh clone of
# the repository (as CI makes) copies it in ~1 s instead of rebuilding it. E2E_CACHE_DIR=off
# disables the cache.
CACHE_ROOT=${E2E_CACHE_DIR:-}
if [ -z "$CACHE_ROOT" ]; then
  base=${XDG_CACHE_HOME:-${HOME:+$HOME/.cache}}
  CACHE_ROOT=${base:+$base/entropy-lens-e2e}
fi
CACHE=""
[ -z "$CACHE_ROOT" ] || [ "$CACHE_ROOT" = off ] || CACHE="$CACHE_ROOT/code-server-$CS_VERSION-abi$NODE_ABI-$(uname -m)"
cs_version() {
  # code-server writes a default config on any start: keep it out of the user's home.
  local t; t=$(mktemp -d)
  XDG_CONFIG_HOME="$t/config" XDG_DATA_HOME="$t/data" "$CS_BIN" --version 2>/dev/null \
    | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' | head -1 || true
  rm -rf "$t"
}
if [ -n "$CACHE" ] && [ -f "$CACHE/.complete" ] && [ "$(cat "$CACHE/.complete")" = "$STAMP_KEY" ]; then
  say "copying code-server $CS_VERSION from the cache $CACHE"
  if cp -a "$CACHE/node_modules" "$CACHE/package.json" "$CS_DIR/" 2>/dev/null \
     && case "$(cs_version)" in "$CS_VERSION "*) true ;; *) false ;; esac; then
    echo "$STAMP_KEY" > "$STAMP"
    say "ready ($STAMP_KEY, from the cache; chromium $CHROMIUM)"
    exit 0
  fi
  say "the cached copy does not work; installing"
  rm -rf "$CS_DIR/node_modules"
fi

say "installing code-server $CS_VERSION into $CS_DIR (about 60-90 s)"
# A private TMPDIR: @vscode/ripgrep's postinstall looks for its download cache there, and the
# install leaves nothing in /tmp.
export TMPDIR="$VT/tmp"
rm -rf "$TMPDIR"; mkdir -p "$TMPDIR"
# Workaround 1: @vscode/ripgrep downloads rg from GitHub in postinstall (unreachable offline; npm
# would roll back the whole install). Seed its cache with Debian's rg.
RG_CACHE="$TMPDIR/vscode-ripgrep-cache-$RG_PKG_VERSION"
mkdir -p "$RG_CACHE/s"
cp "$(command -v rg)" "$RG_CACHE/s/rg"
tar czf "$RG_CACHE/ripgrep-$RG_ASSET_VERSION-$RG_TRIPLE.tar.gz" -C "$RG_CACHE/s" rg
rm -rf "$RG_CACHE/s"

cd "$CS_DIR"
[ -f package.json ] || echo '{"private":true}' > package.json
# Workaround 2: npm_config_yes=true (node-pty's postinstall runs `npx node-gyp`).
# Workaround 3: --unsafe-perm (code-server's postinstall checks it when running as root).
if ! npm_config_yes=true npm install --save-exact --no-audit --no-fund --loglevel=error \
     "code-server@$CS_VERSION" --unsafe-perm >"$VT/cs-install.log" 2>&1; then
  tail -40 "$VT/cs-install.log" >&2
  say "npm install code-server@$CS_VERSION failed (log: $VT/cs-install.log)" >&2
  exit 1
fi
version=$(cs_version)
case "$version" in
  "$CS_VERSION "*) ;;
  *) say "code-server --version printed '$version', expected $CS_VERSION" >&2; exit 1 ;;
esac
rm -rf "$TMPDIR"
echo "$STAMP_KEY" > "$STAMP"
say "installed $version"
if [ -n "$CACHE" ]; then
  # Best effort: fill the cache atomically (copy, then rename).
  if mkdir -p "$(dirname "$CACHE")" 2>/dev/null && rm -rf "$CACHE.tmp.$$" && mkdir "$CACHE.tmp.$$" \
     && cp -a "$CS_DIR/node_modules" "$CS_DIR/package.json" "$CACHE.tmp.$$/" \
     && echo "$STAMP_KEY" > "$CACHE.tmp.$$/.complete" && rm -rf "$CACHE" && mv "$CACHE.tmp.$$" "$CACHE"; then
    say "cached in $CACHE"
  else
    rm -rf "$CACHE.tmp.$$" 2>/dev/null || true
    say "could not write the cache $CACHE (not needed)"
  fi
fi
