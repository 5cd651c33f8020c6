#!/usr/bin/env bash
# Installs the SCTP peer's npm packages (werift-sctp) from package-lock.json; idempotent (stamp file).
# Needed by the C# ports of test-werift-sctp.js (tests/RxMediasoup.Tests/Data/WeriftSctpTests.cs). Needs node + npm.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
say() { printf '[sctp-peer-setup] %s\n' "$*" >&2; }
command -v node >/dev/null || { say "node is required (e.g. apt-get install nodejs npm)"; exit 1; }
command -v npm >/dev/null || { say "npm is required"; exit 1; }
stamp="node_modules/.rxmediasoup-setup-stamp"
want="$(sha256sum package-lock.json | cut -d' ' -f1) $(node --version)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d node_modules/werift-sctp ]; then
  say "node_modules is up to date"
else
  say "npm ci --ignore-scripts"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  printf '%s' "$want" > "$stamp"
fi
say "ready"
