#!/usr/bin/env bash
# Packs the NuGet packages into a folder (default: artifacts/packages):
#   RxMediasoup, RxMediasoup.Hosting, RxMediasoup.Testing, RxMediasoup.Orleans (+ .snupkg symbol packages) and RxMediasoup.Worker.linux-x64 (the worker binary,
#   and libmediasoup-worker.so for WorkerMode.InProcess, taken from the build cache: run scripts/build-worker.sh --lib
#   first; the pack fails saying so otherwise).
#   bash scripts/pack.sh [output folder] [extra dotnet pack arguments…]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(realpath -m "${1:-$repo/artifacts/packages}")"; shift || true
mkdir -p "$out"
for p in RxMediasoup.Worker.linux-x64 RxMediasoup RxMediasoup.Hosting RxMediasoup.Testing RxMediasoup.Orleans; do
  dotnet pack "$repo/src/$p/$p.csproj" -c Release -o "$out" -nologo -v q -clp:ErrorsOnly "$@"
done
ls -l "$out"
