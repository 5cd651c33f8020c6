#!/usr/bin/env bash
# Regenerates tests/node-cases.tsv: every case of mediasoup's Node test suite, the conformance target that
# tests/CONFORMANCE.md is measured against.
# Usage: extract-node-cases.sh [version]   (default: MediasoupVersion in Directory.Build.props, the worker's version)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
version="${1:-$(sed -n 's:.*<MediasoupVersion>\(.*\)</MediasoupVersion>.*:\1:p' "$root/Directory.Build.props")}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "not a mediasoup version: '$version'" >&2; exit 1; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "mediasoup@$version" >/dev/null && tar xzf "mediasoup-$version.tgz" package/node/lib/test)
node "$here/extract-node-cases.mjs" "$tmp/package/node/lib/test" > "$root/tests/node-cases.tsv"
echo "mediasoup $version: $(wc -l < "$root/tests/node-cases.tsv") cases"
