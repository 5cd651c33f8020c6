#!/usr/bin/env bash
# Regenerates every notebooks/*.dib from its notebooks/*.cs; `--check` only compares (CI: fails when they differ).
set -euo pipefail
exec python3 "$(dirname "${BASH_SOURCE[0]}")/gen_dib.py" "$@"
