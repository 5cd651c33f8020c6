#!/usr/bin/env bash
# The benchmark suite of issue 10 §2: RxMediasoup side by side with the Node mediasoup reference (the version pinned in
# tests/benchmarks-node/package.json, mediasoup's public API only), both on the SAME mediasoup-worker binary
# (MEDIASOUP_WORKER_BIN; the in-process side loads libmediasoup-worker.so from beside it). Writes docs/PERFORMANCE.md.
#
# Workloads (every run a fresh process with a fresh worker, log level warn, the same warm-up on both sides):
#   dump     worker.dump() round trips, exactly N in flight (INFLIGHT points): Node, .NET subprocess, .NET in-process
#   create   1 router, 500 WebRtcTransports, 250 producers, 1,000 consumers (one Score subscription each), 16 in
#            flight: per phase wall time, rate, host CPU, and heap per entity after full collections (node --expose-gc)
#   fanout   1,000 consumers with 'rtp' trace events fed by a DirectTransport producer at 50 packets/s: notifications/s
#            delivered to subscribers and host CPU per notification
#   direct   DirectTransport: 512-byte data messages producer → consumer, and RTP packets producer → consumer (≤ 256
#            outstanding): items/s, host CPU per item
#   close    close a router holding 1,000 consumers: time until every consumer's Closed completed ('close' on its
#            observer in Node); first close in the process (cold) and after 3 warm cycles (warm)
# What "host CPU" means: CPU time (user+system) of the benchmark process itself — the .NET or Node process — never the
# worker's (in-process: the worker thread's CPU is subtracted); the worker's CPU is reported separately. .NET reports
# managed bytes allocated per operation (GC.GetTotalAllocatedBytes); Node has no such counter and reports heap used.
# C#: tests/RxMediasoup.Benchmarks (Program.cs = dump, Suite/ = the rest); Node: tests/benchmarks-node.
#
# Passes: "unpinned" runs every workload; "pinned" runs BENCH_PINNED_WORKLOADS with both sides and their workers on
# BENCH_CPUS only (taskset; the goals of issue 10 §3 that are stated pinned: dump, fan-out, data). In each pass, ROUNDS
# interleaved rounds: every case (dump@1, dump@16, …, create, …) runs once per side per round, the sides' order
# alternating from round to round, so drift and other load hit both alike. The report gives medians AND every round's
# ratio (a goal counts as met only when every round meets it).
#
# A benchmark, not a test: exits 0 when every run completed and its output parsed, whatever the ratios.
#
# Environment (defaults in brackets):
#   BENCH_ROUNDS [5]   BENCH_PASSES ["unpinned pinned"]   BENCH_CPUS [the first CPU allowed, normally 0] (the pinned pass's)
#   BENCH_WORKLOADS ["dump create fanout direct close"]   BENCH_PINNED_WORKLOADS ["dump fanout direct"]
#   BENCH_INPROCESS_WORKLOADS ["dump"]  workloads also run with the .NET side's worker in-process ("all": every one)
#   COUNT [100000] dumps per run   WARMUP [5000] / WARMUP_MS [2000] unmeasured dumps first   INFLIGHT ["1 16 256"]
#   BENCH_CREATE_ARGS, BENCH_FANOUT_ARGS, BENCH_DIRECT_ARGS, BENCH_CLOSE_ARGS  options for that workload's harnesses
#                      (both sides take the same, e.g. "--consumers 2000"; see the Suite/*.cs summaries)
#   BENCH_REPORT [docs/PERFORMANCE.md]   BENCH_OUT [a temp dir] (results.jsonl, logs)   SKIP_BUILD [0]   BENCH_NICE [unset]
#   BENCH_RUN_TIMEOUT [900; smoke 120]  seconds one run may take before it is killed and the benchmark fails
#   BENCH_SMOKE [0]  1: tiny counts, 1 round, both passes, report into BENCH_OUT (never docs/), and a strict check that
#                    every planned run completed with finite figures — CI's smoke run (< 2 min once built)
#   MEDIASOUP_WORKER_BIN  the worker (default: scripts/build-worker.sh's cached build, built if missing)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
node_dir="$repo/tests/benchmarks-node"
cs_proj="$repo/tests/RxMediasoup.Benchmarks/RxMediasoup.Benchmarks.csproj"
cs_dll="$repo/tests/RxMediasoup.Benchmarks/bin/Release/net10.0/RxMediasoup.Benchmarks.dll"
say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

SMOKE="${BENCH_SMOKE:-0}"
if [ "$SMOKE" = 1 ]; then
  : "${BENCH_ROUNDS:=1}" "${COUNT:=2000}" "${WARMUP:=200}" "${WARMUP_MS:=100}"
  : "${BENCH_CREATE_ARGS:=--transports 20 --producers 10 --consumers 40}"
  : "${BENCH_FANOUT_ARGS:=--consumers 50 --ms 400 --warmup-ms 100 --drain-ms 3000}"
  : "${BENCH_DIRECT_ARGS:=--count 2000 --warmup 200}"
  : "${BENCH_CLOSE_ARGS:=--consumers 100 --warm-cycles 1}"
fi
ROUNDS="${BENCH_ROUNDS:-5}"
COUNT="${COUNT:-100000}"
WARMUP="${WARMUP:-5000}"
WARMUP_MS="${WARMUP_MS:-2000}"
INFLIGHT="${INFLIGHT:-1 16 256}"
PASSES="${BENCH_PASSES:-unpinned pinned}"
# Default: the first CPU this process may run on (CPU 0 may be outside a container's cpuset).
CPUS="${BENCH_CPUS:-$(sed -n 's/^Cpus_allowed_list:[[:space:]]*\([0-9]*\).*/\1/p' /proc/self/status)}"
CPUS="${CPUS:-0}"
WORKLOADS="${BENCH_WORKLOADS:-dump create fanout direct close}"
PINNED_WORKLOADS="${BENCH_PINNED_WORKLOADS:-dump fanout direct}"
INPROCESS_WORKLOADS="${BENCH_INPROCESS_WORKLOADS:-dump}"
RUN_TIMEOUT="${BENCH_RUN_TIMEOUT:-$([ "$SMOKE" = 1 ] && echo 120 || echo 900)}"

for v in ROUNDS:BENCH_ROUNDS COUNT:COUNT WARMUP:WARMUP WARMUP_MS:WARMUP_MS RUN_TIMEOUT:BENCH_RUN_TIMEOUT; do
  name="${v%%:*}"
  [[ "${!name}" =~ ^[1-9][0-9]*$|^0$ ]] || die "${v#*:} must be a non-negative integer (got '${!name}')"
done
[ "$ROUNDS" -ge 1 ] || die "BENCH_ROUNDS must be at least 1"
for p in $PASSES; do [[ "$p" =~ ^(unpinned|pinned)$ ]] || die "BENCH_PASSES: unknown pass '$p' (unpinned, pinned)"; done
for w in $WORKLOADS $PINNED_WORKLOADS; do
  [[ "$w" =~ ^(dump|create|fanout|direct|close)$ ]] || die "BENCH_WORKLOADS: unknown workload '$w' (dump create fanout direct close)"
done
for n in $INFLIGHT; do [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "INFLIGHT: '$n' is not a positive integer"; done
command -v node >/dev/null || die "node is required (the reference side)"
command -v dotnet >/dev/null || die "dotnet is required"
command -v taskset >/dev/null || [[ "$PASSES" != *pinned* ]] || die "taskset is required for the pinned pass (util-linux)"

# --- the worker binary both sides use; the Node reference; the C# harness ------------------------------------
if [ -z "${MEDIASOUP_WORKER_BIN:-}" ]; then
  bash "$here/build-worker.sh" >&2
  MEDIASOUP_WORKER_BIN="$(bash "$here/build-worker.sh" --print-path)"
fi
[ -x "$MEDIASOUP_WORKER_BIN" ] || die "no worker binary at $MEDIASOUP_WORKER_BIN"
MEDIASOUP_WORKER_BIN="$(readlink -f "$MEDIASOUP_WORKER_BIN")"
export MEDIASOUP_WORKER_BIN
node_want="$(node -p "require('$node_dir/package.json').dependencies.mediasoup")"
node_have="$(node -p "try { require('$node_dir/node_modules/mediasoup/package.json').version } catch { '' }")"
if [ "$node_have" != "$node_want" ]; then
  say "installing the Node reference (mediasoup $node_want, --ignore-scripts: it runs our worker binary)"
  (cd "$node_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >&2
fi
if [ "${SKIP_BUILD:-0}" = 1 ] && [ -f "$cs_dll" ]; then
  say "SKIP_BUILD=1: using $cs_dll"
else
  say "building tests/RxMediasoup.Benchmarks (Release)"
  dotnet build "$cs_proj" -c Release --nologo -v quiet -clp:ErrorsOnly >&2
fi

out="${BENCH_OUT:-$(mktemp -d -t bench.XXXXXX)}"
mkdir -p "$out"
results="$out/results.jsonl"
: >"$results"
if [ "$SMOKE" = 1 ]; then report="${BENCH_REPORT:-$out/PERFORMANCE.md}"; else report="${BENCH_REPORT:-$repo/docs/PERFORMANCE.md}"; fi
[ "$SMOKE" = 1 ] && [ "$(readlink -f "$report")" = "$(readlink -f "$repo/docs/PERFORMANCE.md")" ] && die "a smoke run never writes docs/PERFORMANCE.md"

# --- one run: a side (node | rxmediasoup | rxmediasoup-inprocess) of a case (dump@N | create | …) -------------
prefix_for() { # pass
  local cmd=()
  cmd=(timeout -k 5 "$RUN_TIMEOUT")
  [ "$1" = pinned ] && cmd+=(taskset -c "$CPUS")
  [ -n "${BENCH_NICE:-}" ] && cmd+=(nice -n "$BENCH_NICE")
  echo "${cmd[@]}"
}
run_side() { # pass case side → the run's JSON line on stdout
  local pass="$1" case="$2" side="$3" workload="${2%@*}" prefix args
  read -ra prefix <<<"$(prefix_for "$pass")"
  if [ "$workload" = dump ]; then
    args=(dump --inflight "${case#dump@}" --count "$COUNT" --warmup "$WARMUP" --warmup-ms "$WARMUP_MS")
  else
    local var="BENCH_${workload^^}_ARGS"
    read -ra extra <<<"${!var:-}"
    args=(suite "$workload" "${extra[@]}")
  fi
  case "$side" in
    node) if [ "$workload" = dump ]; then (cd "$node_dir" && "${prefix[@]}" node dump-bench.mjs "${args[@]}")
          else (cd "$node_dir" && "${prefix[@]}" node --expose-gc suite-bench.mjs "${args[@]:1}"); fi ;;
    rxmediasoup) DOTNET_CLI_TELEMETRY_OPTOUT=1 BENCH_WORKER_MODE=Subprocess "${prefix[@]}" dotnet "$cs_dll" "${args[@]}" ;;
    rxmediasoup-inprocess) DOTNET_CLI_TELEMETRY_OPTOUT=1 BENCH_WORKER_MODE=InProcess "${prefix[@]}" dotnet "$cs_dll" "${args[@]}" ;;
  esac
}
# A subprocess worker must be gone once its harness exited (each harness closes its worker before printing... or in
# its finally): wait up to 3 s, then kill it and fail — a benchmark must not leave workers behind.
check_worker_gone() { # pid bin
  [[ "$2" == in-process:* ]] && return 0
  for _ in $(seq 1 30); do
    if [ ! -e "/proc/$1" ] || [ "$(readlink "/proc/$1/exe" 2>/dev/null)" != "$MEDIASOUP_WORKER_BIN" ]; then return 0; fi
    sleep 0.1
  done
  kill -9 "$1" 2>/dev/null || true
  die "worker $1 was left running after its harness exited (killed it)"
}

cases_of() { # pass
  local list="$WORKLOADS" c=()
  [ "$1" = pinned ] && list="$PINNED_WORKLOADS"
  for w in $list; do
    if [ "$w" = dump ]; then for n in $INFLIGHT; do c+=("dump@$n"); done; else c+=("$w"); fi
  done
  echo "${c[@]}"
}
sides_of() { # case
  local w="${1%@*}"
  if [ "$INPROCESS_WORKLOADS" = all ] || [[ " $INPROCESS_WORKLOADS " == *" $w "* ]]; then echo "node rxmediasoup rxmediasoup-inprocess"
  else echo "node rxmediasoup"; fi
}

plan="$out/plan.txt"
: >"$plan"
started=$(date +%s)
stat_before="$(head -1 /proc/stat)"
say "worker: $MEDIASOUP_WORKER_BIN; Node reference: mediasoup $node_want; machine: $(nproc) CPU(s), load $(cut -d' ' -f1-3 /proc/loadavg)"
say "passes '$PASSES' (pinned: CPU(s) $CPUS), $ROUNDS round(s); results: $results"
for pass in $PASSES; do
  read -ra cases <<<"$(cases_of "$pass")"
  for round in $(seq 1 "$ROUNDS"); do
    for case in "${cases[@]}"; do
      read -ra sides <<<"$(sides_of "$case")"
      if [ $(( round % 2 )) = 0 ]; then # alternate which side goes first
        for (( i=0, j=${#sides[@]}-1; i<j; i++, j-- )); do t="${sides[i]}"; sides[i]="${sides[j]}"; sides[j]="$t"; done
      fi
      for side in "${sides[@]}"; do
        echo "$pass $case $side $round" >>"$plan"
        load1="$(cut -d' ' -f1 /proc/loadavg)"
        log="$out/$pass-$case-$side-$round.log"
        if ! raw="$(run_side "$pass" "$case" "$side" 2>"$log")"; then
          cat "$log" >&2
          die "the $side run of $case (pass $pass, round $round) failed"
        fi
        line="$(printf '%s\n' "$raw" | grep '^{' | tail -1 || true)"
        [ -n "$line" ] || { cat "$log" >&2; die "the $side run of $case (pass $pass, round $round) printed no result"; }
        pid="$(printf '%s' "$line" | node -e 'const l=JSON.parse(require("fs").readFileSync(0,"utf8")); console.log(l.worker_pid, l.worker_bin)')" \
          || die "the $side run of $case printed a line that is not JSON: $line"
        read -r wpid wbin <<<"$pid"
        check_worker_gone "$wpid" "$wbin"
        printf '{"pass":"%s","case":"%s","side":"%s","round":%d,"load1_before":%s,%s\n' \
          "$pass" "$case" "$side" "$round" "$load1" "${line#\{}" >>"$results"
      done
    done
    say "pass $pass: round $round/$ROUNDS done"
  done
done

# The summary's inputs, kept beside the results so that the report can be rebuilt from them.
{
  for kv in "RESULTS=$results" "PLAN=$plan" "REPORT=$report" "ELAPSED=$(( $(date +%s) - started ))" "SMOKE=$SMOKE" \
    "STAT_BEFORE=$stat_before" "STAT_AFTER=$(head -1 /proc/stat)" "NCPU=$(nproc)" "CPUS=$CPUS" \
    "WORKER_BIN=$MEDIASOUP_WORKER_BIN" "WORKER_SHA=$(sha256sum "$MEDIASOUP_WORKER_BIN" | cut -c1-16)" \
    "NODE_MEDIASOUP=$node_want" "NODE_VERSION=$(node --version)" "DOTNET_VERSION=$(dotnet --version)" \
    "CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" "KERNEL=$(uname -r)" \
    "SETTINGS=COUNT=$COUNT WARMUP=$WARMUP WARMUP_MS=$WARMUP_MS INFLIGHT='$INFLIGHT' create: '${BENCH_CREATE_ARGS:-defaults}' fanout: '${BENCH_FANOUT_ARGS:-defaults}' direct: '${BENCH_DIRECT_ARGS:-defaults}' close: '${BENCH_CLOSE_ARGS:-defaults}'${BENCH_NICE:+ nice -n $BENCH_NICE}"; do
    printf '%s=%q\n' "${kv%%=*}" "${kv#*=}"
  done
} >"$out/summary.env"
(set -a; . "$out/summary.env"; node "$here/bench-summary.mjs")
say "done in $(( $(date +%s) - started )) s; report: $report; raw results: $results"
