#!/usr/bin/env bash
# Runs every RxMediasoup test against a real mediasoup-worker, from a fresh machine or a warm one:
#   1. installs what the tests need when run as root and it is missing (apt: chromium, ffmpeg, redis-server; the worker build's
#      own packages are installed by scripts/build-worker.sh),
#   2. builds mediasoup-worker and libmediasoup-worker.so into the per-user cache (one configure; ≈10–20 min the first
#      time, a no-op afterwards),
#   3. prepares the browser harness (npm ci + esbuild bundle) and the SCTP peer (npm werift-sctp),
#   4. builds the solution (warnings are errors) and runs `dotnet test` on each test project, one after another, then
#      RxMediasoup.Tests and one browser test again with in-process workers, RxMediasoup.Tests on simulated workers, and
#      the benchmark suite's smoke run (extra arguments apply to the first pass),
#   5. fails if any test failed, was skipped, or if no test ran; prints "N passed, N failed, N skipped".
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
say() { printf '[test] %s\n' "$*" >&2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# --- machine prerequisites ---------------------------------------------------------------------
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
command -v redis-server >/dev/null || missing+=(redis-server)  # the cluster tests start their own (no system service)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing apt packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    say "missing: ${missing[*]} — install them (e.g. sudo apt-get install ${missing[*]})"; exit 1
  fi
fi

# --- worker and browser harness -------------------------------------------------------------------
# --lib: libmediasoup-worker.so too, for the in-process run below and the native package.
if [ -z "${MEDIASOUP_WORKER_BIN:-}" ]; then bash scripts/build-worker.sh --lib; fi
bash tests/browser/setup.sh
bash tests/sctp-peer/setup.sh

# --- build and test ----------------------------------------------------------------------------
say "dotnet build"
dotnet build RxMediasoup.sln -c Release -nologo -v q -clp:ErrorsOnly
out="$(mktemp)"; trap 'rm -f "$out"' EXIT
# One test assembly at a time: the browser assemblies assert timings (decoding within N s) and must not share the
# two cores with another assembly. The library's own tests go first (they parallelise inside their assembly).
projects=(tests/RxMediasoup.Tests/RxMediasoup.Tests.csproj)
for p in tests/*/*.csproj; do
  [ "$p" = "${projects[0]}" ] && continue
  grep -q '<IsTestProject>true</IsTestProject>' "$p" && projects+=("$p")
done
status=0
set +e
for p in "${projects[@]}"; do
  say "dotnet test $p"
  dotnet test "$p" -c Release --no-build -nologo --blame-hang-timeout 5m "$@" 2>&1 | tee -a "$out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done
# The library's tests again with in-process workers (WorkerMode.InProcess), minus the ones about the worker process
# itself ([Trait("WorkerMode", "SubprocessOnly")]), and one browser test with in-process workers in the Room.
say "dotnet test tests/RxMediasoup.Tests (in-process workers)"
RXMEDIASOUP_TEST_WORKER_MODE=InProcess dotnet test tests/RxMediasoup.Tests/RxMediasoup.Tests.csproj -c Release --no-build -nologo \
  --blame-hang-timeout 5m --filter "WorkerMode!=SubprocessOnly" 2>&1 | tee -a "$out"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
say "one browser test with in-process workers"
Mediasoup__WorkerSettings__Mode=InProcess dotnet test tests/RxMediasoup.RoomTests/RxMediasoup.RoomTests.csproj -c Release --no-build \
  -nologo --blame-hang-timeout 5m --filter "FullyQualifiedName~ThreePeersEachDecodeTheVideoAndReceiveTheAudioOfBothOthers" 2>&1 | tee -a "$out"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
# The library's tests on simulated workers (RxMediasoup.Testing; issue 12 §4): every test that starts a worker, except
# the [Trait("Backend", "RealOnly")] ones (real media, OS sockets, the process itself; tests/SIMULATION.md lists them).
say "dotnet test tests/RxMediasoup.Tests (simulated workers)"
RXMEDIASOUP_TEST_WORKER_MODE=Simulated dotnet test tests/RxMediasoup.Tests/RxMediasoup.Tests.csproj -c Release --no-build -nologo \
  --blame-hang-timeout 5m --filter "Backend!=RealOnly" 2>&1 | tee -a "$out"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
# The benchmark suite with tiny counts: every workload of both runtimes completes and its output parses (never a ratio).
say "benchmark smoke run (scripts/bench.sh, BENCH_SMOKE=1)"
BENCH_SMOKE=1 SKIP_BUILD=1 bash scripts/bench.sh >/dev/null || status=1
set -e

# One summary line per test assembly: "Passed!  - Failed: 0, Passed: 27, Skipped: 0, Total: 27, ..."
read -r passed failed skipped total < <(grep -E '(Passed|Failed)! +- Failed: ' "$out" | sed -E \
  's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+), Total: *([0-9]+).*/\2 \1 \3 \4/' |
  awk '{p+=$1; f+=$2; s+=$3; t+=$4} END {printf "%d %d %d %d\n", p, f, s, t}')
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then say "tests failed"; exit 1; fi
if [ "$skipped" -ne 0 ]; then say "$skipped test(s) were skipped: every test must run"; exit 1; fi
if [ "$total" -eq 0 ]; then say "no test ran"; exit 1; fi
