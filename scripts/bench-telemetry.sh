#!/usr/bin/env bash
# What RxMediasoup's metrics and traces cost (issue 9 §2): the same workloads with nobody listening, with a
# MeterListener, with the OpenTelemetry SDK, and — the "free when nobody listens" reference — with the library as it
# was before telemetry existed (BASELINE, default 896f15b^: the commit before the metrics merge; between it and now
# src/ changed only by the telemetry, so that build is "telemetry compiled out", with no flag of its own to skew it).
#
# Groups (tests/RxMediasoup.Benchmarks, one fresh process and worker per run):
#   dump1, dump16   worker.DumpAsync() round trips, 1 and 16 in flight, COUNT each:
#                   base | none | meters (MeterListener on every instrument) | otel-metrics (SDK MeterProvider, periodic reader)
#   transports      WebRtcTransport create + close, TRANSPORTS each:
#                   base | none | activities (ActivityListener, AllDataAndRecorded) | otel (SDK meters + tracer provider)
#   paired1, paired16, pairedtransports   the listeners' cost inside ONE process (PairedBenchmark.cs): after a
#                   warm-up, PHASES phases alternate none / the listener (none X X none none X …); each neighbouring pair
#                   gives a ratio — same JIT state, worker and process, a second apart: far less noise than across
#                   processes. Variants: meters | otel-metrics (dumps), activities | otel (transports).
#   pairedbase1, pairedbase16   the same for "nobody listens" against the library before telemetry: the baseline's
#                   RxMediasoup.dll is loaded beside the current one (its own AssemblyLoadContext and worker,
#                   BaselineLibrary.cs) and the phases alternate between the two libraries' dumps.
# Every round runs every variant of every group, the variants' order rotating from round to round
# (base none meters otel-metrics, then none meters otel-metrics base, …), so drift and the other processes on the
# machine hit them alike. Reported per round and as medians: ops/s, host CPU µs/op (clock_gettime of the process:
# ns resolution), worker CPU µs/op, bytes allocated/op; then each variant's cost against its reference measured in
# the same round (none vs base, the listeners vs none), median over rounds, and the goals: ≤ 1 % without a listener,
# ≤ 5 % with a MeterListener (host CPU per op and throughput both shown; the verdict is on host CPU per op, which
# other processes disturb far less than throughput).
#
# A benchmark, not a test: never part of `dotnet test` or CI; exits 0 when every run completed.
#
# Environment (defaults in brackets):
#   ROUNDS [7]  COUNT [60000] dumps per run  TRANSPORTS [2000] create+close per run  WARMUP_MS [1500] per run
#   BASELINE [896f15b^]  the commit whose src/ is the no-telemetry reference (built once into BASE_DIR with the
#                        current harness: only the library differs)
#   BASE_DIR [$TMPDIR/rxmediasoup-telemetry-base-<commit>]  kept between runs, rebuilt when the harness changes
#                        (built with -p:BenchBaseline=true: the harness's in-process and suite parts compiled out)
#   PHASES [24]  phases of a paired run (COUNT/6 dumps or TRANSPORTS/4 cycles each)
#   BENCH_GROUPS ["dump1 dump16 transports pairedbase1 pairedbase16 paired1 paired16 pairedtransports"]   SKIP_BUILD [0]  1: use the built harness as it is
#   BENCH_OUT [a temp dir]  where results.jsonl is kept
# Quick smoke run: ROUNDS=1 COUNT=10000 TRANSPORTS=300 WARMUP_MS=300 bash scripts/bench-telemetry.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
ROUNDS="${ROUNDS:-7}"
COUNT="${COUNT:-60000}"
TRANSPORTS="${TRANSPORTS:-2000}"
WARMUP_MS="${WARMUP_MS:-1500}"
BASELINE="${BASELINE:-896f15b^}"
GROUPS_="${BENCH_GROUPS:-dump1 dump16 transports pairedbase1 pairedbase16 paired1 paired16 pairedtransports}"
PHASES="${PHASES:-24}"
harness_rel="tests/RxMediasoup.Benchmarks"
harness_dll="bin/Release/net10.0/RxMediasoup.Benchmarks.dll"

say() { printf '[bench-telemetry %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
for v in ROUNDS COUNT TRANSPORTS WARMUP_MS PHASES; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "bench-telemetry: $v must be a non-negative integer" >&2; exit 2; }
done
command -v node >/dev/null || { echo "bench-telemetry: node is required (the summary)" >&2; exit 2; }

if [ -z "${MEDIASOUP_WORKER_BIN:-}" ]; then
  bash "$here/build-worker.sh" >&2
  MEDIASOUP_WORKER_BIN="$(bash "$here/build-worker.sh" --print-path)"
fi
export MEDIASOUP_WORKER_BIN

# --- the harness, current library ---------------------------------------------------------------------
current_dll="$repo/$harness_rel/$harness_dll"
if [ "${SKIP_BUILD:-0}" = 1 ] && [ -f "$current_dll" ]; then
  say "SKIP_BUILD=1: using $current_dll"
else
  say "building $harness_rel (Release)"
  dotnet build "$repo/$harness_rel/RxMediasoup.Benchmarks.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly >&2
fi

# --- the same harness against the library before telemetry --------------------------------------------
base_sha="$(git -C "$repo" rev-parse --verify "$BASELINE^{commit}")"
base_dir="${BASE_DIR:-${TMPDIR:-/tmp}/rxmediasoup-telemetry-base-${base_sha:0:12}}"
stamp="$(cd "$repo" && cat "$harness_rel"/*.cs "$harness_rel"/*.csproj Directory.Packages.props | sha256sum | cut -c1-16)"
base_dll="$base_dir/tree/$harness_rel/$harness_dll"
base_lib="$(dirname "$base_dll")/RxMediasoup.dll"
if [ -f "$base_dir/built-$stamp" ] && [ -f "$base_dll" ]; then
  say "baseline: $BASELINE = ${base_sha:0:12}, built in $base_dir"
else
  say "baseline: building $BASELINE = ${base_sha:0:12} (its src/, this harness) in $base_dir"
  rm -rf "$base_dir"
  mkdir -p "$base_dir/tree/$harness_rel"
  git -C "$repo" archive "$base_sha" src Directory.Build.props | tar -x -C "$base_dir/tree"
  cp "$repo/Directory.Packages.props" "$base_dir/tree/"
  cp "$repo/$harness_rel"/*.cs "$repo/$harness_rel"/*.csproj "$base_dir/tree/$harness_rel/"
  # BenchBaseline: the BASELINE constant leaves out what the older library lacks (in-process workers, the channel types
  # of the notification benchmark, the suite of scripts/bench.sh) — see RxMediasoup.Benchmarks.csproj.
  dotnet build "$base_dir/tree/$harness_rel/RxMediasoup.Benchmarks.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly \
    -p:BenchBaseline=true >&2
  touch "$base_dir/built-$stamp"
fi

out="${BENCH_OUT:-$(mktemp -d -t bench-telemetry.XXXXXX)}"
mkdir -p "$out"
results="$out/results.jsonl"
: >"$results"

variants_of() {
  case "$1" in
    dump1|dump16) echo "base none meters otel-metrics" ;;
    transports) echo "base none activities otel" ;;
    paired1|paired16) echo "meters otel-metrics" ;;
    pairedbase1|pairedbase16) echo "base" ;;
    pairedtransports) echo "activities otel" ;;
    *) echo "bench-telemetry: unknown group $1" >&2; exit 2 ;;
  esac
}
run() { # group variant
  local dll="$current_dll" mode="$2" args
  if [ "$2" = base ]; then
    mode=none # pairedbase*: the current harness loads the baseline library itself (--base); else the baseline's harness
    [[ "$1" == pairedbase* ]] || dll="$base_dll"
  fi
  case "$1" in
    dump1) args=(dump --inflight 1 --count "$COUNT" --warmup 2000) ;;
    dump16) args=(dump --inflight 16 --count "$COUNT" --warmup 2000) ;;
    transports) args=(transports --inflight 1 --count "$TRANSPORTS" --warmup 200) ;;
    paired1) args=(paired dump --inflight 1 --count "$(( COUNT / 6 ))" --phases "$PHASES") ;;
    paired16) args=(paired dump --inflight 16 --count "$(( COUNT / 6 ))" --phases "$PHASES") ;;
    pairedbase1) args=(paired dump --inflight 1 --count "$(( COUNT / 6 ))" --phases "$PHASES" --base "$base_lib") ;;
    pairedbase16) args=(paired dump --inflight 16 --count "$(( COUNT / 6 ))" --phases "$PHASES" --base "$base_lib") ;;
    pairedtransports) args=(paired transports --inflight 1 --count "$(( TRANSPORTS / 4 ))" --phases "$PHASES") ;;
  esac
  DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet "$dll" "${args[@]}" --warmup-ms "$WARMUP_MS" --telemetry "$mode"
}

started=$(date +%s)
say "machine: $(nproc) CPU(s), load $(cut -d' ' -f1-3 /proc/loadavg); ROUNDS=$ROUNDS COUNT=$COUNT TRANSPORTS=$TRANSPORTS WARMUP_MS=$WARMUP_MS BENCH_GROUPS='$GROUPS_'"
say "raw results: $results"
for round in $(seq 1 "$ROUNDS"); do
  for group in $GROUPS_; do
    read -ra vs <<<"$(variants_of "$group")"
    k=$(( (round - 1) % ${#vs[@]} ))
    for i in $(seq 0 $(( ${#vs[@]} - 1 ))); do
      variant="${vs[$(( (i + k) % ${#vs[@]} ))]}"
      load1="$(cut -d' ' -f1 /proc/loadavg)"
      line="$(run "$group" "$variant" | grep '^{' | tail -1)"
      [ -n "$line" ] || { echo "bench-telemetry: the $group/$variant run printed no result" >&2; exit 1; }
      printf '{"round":%d,"group":"%s","variant":"%s","load1":%s,%s\n' "$round" "$group" "$variant" "$load1" "${line#\{}" >>"$results"
    done
  done
  say "round $round/$ROUNDS done"
done

RESULTS="$results" ELAPSED="$(( $(date +%s) - started ))" BASELINE="$BASELINE ${base_sha:0:12}" \
  node "$here/bench-telemetry-summary.mjs"
say "raw results: $results"
