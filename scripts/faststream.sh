#!/usr/bin/env bash
# Install FastStream from PyPI into a git-ignored virtualenv, <repo>/.cache/faststream/venv, and
# print the path of its python. Used by the interop tests (test/interop/) and the benchmark's
# FastStream peer (bench/), so both run the one pinned release in scripts/faststream-requirements.txt.
#
# Usage: scripts/faststream.sh            prints e.g. /repo/.cache/faststream/venv/bin/python
#
# Idempotent: reinstalls only when the requirements file changed (its hash is kept beside the
# venv). Needs python3 >= 3.10 with the venv module on PATH. Progress to stderr, the path to stdout.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQS="$ROOT/scripts/faststream-requirements.txt"
dir="$ROOT/.cache/faststream"
venv="$dir/venv"
python="$venv/bin/python"
stamp="$venv/.requirements.sha256"

mkdir -p "$dir"
exec 8>"$dir/.lock"                     # one installer at a time (parallel test runs)
flock -w 600 8 || { echo "faststream.sh: timed out waiting for $dir/.lock" >&2; exit 1; }

want="$(sha256sum "$REQS" | cut -d' ' -f1)"
if [[ ! -x "$python" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  py="$(command -v python3 || true)"
  [[ -n "$py" ]] || { echo "faststream.sh: python3 not found on PATH" >&2; exit 1; }
  "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
    || { echo "faststream.sh: FastStream 0.7 needs python >= 3.10 ($py is $("$py" --version))" >&2; exit 1; }
  echo "faststream.sh: installing $(grep -v '^#' "$REQS" | xargs) into $venv ..." >&2
  t0=$SECONDS
  rm -rf "$venv"
  "$py" -m venv "$venv"
  if ! "$python" -m pip install --quiet --disable-pip-version-check -r "$REQS" >"$dir/install.log" 2>&1; then
    cat "$dir/install.log" >&2
    echo "faststream.sh: pip install failed (log above)" >&2
    exit 1
  fi
  echo "$want" >"$stamp"
  echo "faststream.sh: faststream $("$python" -c "import importlib.metadata as m; print(m.version('faststream'))") ready in $((SECONDS - t0))s" >&2
fi
echo "$python"
