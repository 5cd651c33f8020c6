#!/usr/bin/env bash
# Runs every notebook in notebooks/ with dotnet-repl against the Release build of the library; fails when a
# cell fails (dotnet-repl exits 2). Outputs go to notebooks/out/ (git-ignored).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export PATH="$PATH:$HOME/.dotnet/tools" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
command -v dotnet-repl >/dev/null || dotnet tool install -g dotnet-repl >/dev/null
[ -n "${MEDIASOUP_WORKER_BIN:-}" ] || bash scripts/build-worker.sh
dotnet build src/RxMediasoup -c Release -nologo -v q -clp:ErrorsOnly
mkdir -p notebooks/out
cd notebooks
for nb in *.dib; do
  echo "[notebooks] $nb" >&2
  DOTNET_ROLL_FORWARD=Major dotnet-repl --run "$nb" --exit-after-run --output-path "out/${nb%.dib}.ipynb" > "out/${nb%.dib}.log" 2>&1 \
    || { cat "out/${nb%.dib}.log" >&2; echo "[notebooks] $nb failed" >&2; exit 1; }
done
echo "[notebooks] all notebooks ran" >&2
