#!/usr/bin/env bash
# Prepares the browser acceptance harness (tests/browser):
#   1. installs the npm packages from package-lock.json with `npm ci --ignore-scripts`
#      (mediasoup's install script must NOT run: it would build or download its own worker; the
#      harness points mediasoup at our worker through MEDIASOUP_WORKER_BIN instead);
#   2. bundles page.js with esbuild into dist/page.bundle.js (git-ignored).
# Idempotent: npm ci is skipped while node_modules matches package-lock.json (stamp file), and the
# bundle is rebuilt only when its inputs are newer. Needs node + npm (Node >= 20).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

say() { printf '[browser-setup] %s\n' "$*" >&2; }

command -v node >/dev/null || { say "node is required (e.g. apt-get install nodejs npm)"; exit 1; }
command -v npm >/dev/null || { say "npm is required"; exit 1; }

stamp="node_modules/.rxmediasoup-setup-stamp"
want="$(sha256sum package-lock.json | cut -d' ' -f1) $(node --version)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d node_modules/mediasoup ] && [ -d node_modules/mediasoup-client ]; then
  say "node_modules is up to date"
else
  say "npm ci --ignore-scripts"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  printf '%s' "$want" > "$stamp"
fi

bundle="dist/page.bundle.js"
if [ -f "$bundle" ] && [ "$bundle" -nt page.js ] && [ "$bundle" -nt "$stamp" ]; then
  say "$bundle is up to date"
else
  say "bundling page.js -> $bundle"
  mkdir -p dist
  node_modules/.bin/esbuild page.js --bundle --format=iife --platform=browser --target=chrome100 \
    --log-level=warning --outfile="$bundle.tmp"
  mv -f "$bundle.tmp" "$bundle"
fi
say "ready"
