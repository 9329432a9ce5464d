#!/usr/bin/env bash
# Install a Node.js release from the npm registry (the `node` package, which pulls the platform
# binary package node-<os>-<arch>) into <repo>/.cache/node/<spec>/ and print the path of its
# `node` binary. No download from nodejs.org, no root, nothing outside .cache/.
#
# Usage: scripts/node.sh <version spec>     e.g. 24 | 22 | 24.21.0
#
#   PATH="$(dirname "$(scripts/node.sh 24)"):$PATH" npm test    # npm and its scripts on Node 24
#
# Idempotent: a spec installed once is reused as is (delete .cache/node/<spec> to refresh it).
# The bin directory holds only `node`; `npm` on PATH (a `#!/usr/bin/env node` script) then runs
# on it too. Progress goes to stderr, only the path to stdout.
set -euo pipefail

spec="${1:-}"
[[ "$spec" =~ ^[0-9]+(\.[0-9]+){0,2}$ ]] || { echo "usage: $0 <node version, e.g. 24 or 22.12.0>" >&2; exit 2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$ROOT/.cache/node/$spec"
bin="$dir/node_modules/node/bin/node"   # linked there by the package's preinstall script

mkdir -p "$ROOT/.cache/node"
exec 8>"$ROOT/.cache/node/.lock"        # one installer at a time (parallel CI legs)
flock -w 600 8 || { echo "node.sh: timed out waiting for $ROOT/.cache/node/.lock" >&2; exit 1; }

if ! "$bin" --version >/dev/null 2>&1; then
  tmp="$dir.tmp"
  rm -rf "$tmp"; mkdir -p "$tmp"
  echo "node.sh: installing node@$spec from the npm registry into $dir ..." >&2
  t0=$SECONDS
  # --foreground-scripts: the preinstall script (which fetches the platform package) must run.
  if ! (cd "$tmp" && npm install --prefix "$tmp" --no-save --no-audit --no-fund --no-package-lock \
          --foreground-scripts --loglevel=error "node@$spec") >"$tmp.log" 2>&1 \
     || ! "$tmp/node_modules/node/bin/node" --version >/dev/null 2>&1; then
    cat "$tmp.log" >&2
    echo "node.sh: installing node@$spec failed (log above)" >&2
    exit 1
  fi
  rm -rf "$dir"; mv "$tmp" "$dir"; mv "$tmp.log" "$dir/install.log"
  echo "node.sh: node $("$bin" --version) ready in $((SECONDS - t0))s" >&2
fi

version="$("$bin" --version)"
[[ "$version" == "v$spec" || "$version" == "v$spec".* ]] || { echo "node.sh: $bin is $version, not $spec" >&2; exit 1; }
echo "$bin"
