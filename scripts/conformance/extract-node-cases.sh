#!/usr/bin/env bash
# Regenerates tests/node-cases.tsv: every case of mediasoup 3.22.0's Node test suite, the conformance target
# that tests/CONFORMANCE.md is measured against.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent mediasoup@3.22.0 >/dev/null && tar xzf mediasoup-3.22.0.tgz package/node/lib/test)
node "$here/extract-node-cases.mjs" "$tmp/package/node/lib/test" > "$here/../../tests/node-cases.tsv"
wc -l "$here/../../tests/node-cases.tsv"
