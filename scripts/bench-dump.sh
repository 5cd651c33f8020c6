#!/usr/bin/env bash
# Side-by-side benchmark: RxMediasoup vs the Node mediasoup reference (the version in tests/benchmarks-node/package.json), same mediasoup-worker binary.
#
# Workload: worker.dump() round trips with 1, 16 and 256 requests in flight (exactly N outstanding), COUNT
# measured requests per point after an unmeasured warm-up, each run in a fresh process with a fresh worker.
# Runs are interleaved — N1 C1 N16 C16 N256 C256, repeated ROUNDS times — so drift on the machine hits both.
# Prints every run's raw figures, then a table of medians across rounds per point (requests/s, p50/p99
# latency, CPU seconds of the host process and of the worker process) with the RxMediasoup/Node ratios and
# the goals of issue 2 §8 (≥1.5× at 1 in flight, ≥2× at 16, ≥4× at 256; p99 no worse than Node).
#
# A benchmark, not a test: it is never part of `dotnet test` or CI. It exits 0 when every run completed,
# whether or not the goals are met (the table says which are).
#
# Reading the numbers (2-vCPU VM): at 1 in flight each request wakes the other process; on an otherwise idle
# machine the Node host blocks, its vCPU halts and every wake-up pays the VM's idle exit (Node ≈ 11k req/s,
# p50 ≈ 80 µs), whereas .NET's thread pool spins briefly and keeps its vCPU awake. With the CPUs kept awake
# (other load, or BENCH_CPUS=0) Node does ≈ 40k req/s at 1 in flight. Check a surprising ratio with
# BENCH_CPUS=0 and keep an eye on the "others %" column.
#
# Environment overrides (defaults in brackets):
#   COUNT [100000]  measured requests per run     WARMUP [5000]  unmeasured requests first, and for at least
#   WARMUP_MS [2000] milliseconds (both JITs tier up over the first second or two of a run)
#   ROUNDS [3]      interleaved rounds            INFLIGHT ["1 16 256"]  points
#   MEDIASOUP_WORKER_BIN  the worker binary (default: scripts/build-worker.sh's cached build; built if missing)
#   BENCH_OUT [a temp dir]  where the raw JSON lines are kept (results.jsonl)
#   SKIP_BUILD [0]  1: run the already built Release harness instead of building it first
#   BENCH_NICE [unset]  run both sides (and so their workers) under `nice -n BENCH_NICE`, e.g. -10 on a machine
#                   busy with other work (needs root for negative values); the table's "others %" shows what is left
#   BENCH_CPUS [unset]  run both sides and their workers on these CPUs only (`taskset -c`, e.g. 0): a check of how
#                   much cross-CPU wake-ups (idle vCPUs, migrations) weigh on a run
# Quick smoke run: COUNT=20000 ROUNDS=1 WARMUP_MS=500 bash scripts/bench-dump.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
COUNT="${COUNT:-100000}"
WARMUP="${WARMUP:-5000}"
WARMUP_MS="${WARMUP_MS:-2000}"
ROUNDS="${ROUNDS:-3}"
INFLIGHT="${INFLIGHT:-1 16 256}"
node_dir="$repo/tests/benchmarks-node"
cs_proj="$repo/tests/RxMediasoup.Benchmarks/RxMediasoup.Benchmarks.csproj"
cs_dll="$repo/tests/RxMediasoup.Benchmarks/bin/Release/net10.0/RxMediasoup.Benchmarks.dll"

say() { printf '[bench-dump %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

for v in COUNT WARMUP WARMUP_MS ROUNDS; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "bench-dump: $v must be a non-negative integer" >&2; exit 2; }
done
command -v node >/dev/null || { echo "bench-dump: node is required (the reference side)" >&2; exit 2; }
command -v dotnet >/dev/null || { echo "bench-dump: dotnet is required" >&2; exit 2; }

# --- the worker binary both sides use -------------------------------------------------------------
if [ -z "${MEDIASOUP_WORKER_BIN:-}" ]; then
  bash "$here/build-worker.sh" >&2
  MEDIASOUP_WORKER_BIN="$(bash "$here/build-worker.sh" --print-path)"
fi
[ -x "$MEDIASOUP_WORKER_BIN" ] || { echo "bench-dump: no worker binary at $MEDIASOUP_WORKER_BIN" >&2; exit 2; }
export MEDIASOUP_WORKER_BIN

# --- the Node reference -----------------------------------------------------------------------------
node_want="$(node -p "require('$node_dir/package.json').dependencies.mediasoup")"
node_have="$(node -p "try { require('$node_dir/node_modules/mediasoup/package.json').version } catch { '' }")"
if [ "$node_have" != "$node_want" ]; then
  say "installing the Node reference (mediasoup $node_want, --ignore-scripts: it uses our worker binary)"
  (cd "$node_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >&2
fi

# --- the C# harness, Release ------------------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" = 1 ] && [ -f "$cs_dll" ]; then
  say "SKIP_BUILD=1: using the existing $cs_dll"
else
  say "building tests/RxMediasoup.Benchmarks (Release)"
  dotnet build "$cs_proj" -c Release --nologo -v quiet -clp:ErrorsOnly >&2
fi

out="${BENCH_OUT:-$(mktemp -d -t bench-dump.XXXXXX)}"
mkdir -p "$out"
results="$out/results.jsonl"
: >"$results"

nice_cmd=()
if [ -n "${BENCH_NICE:-}" ]; then nice_cmd=(nice -n "$BENCH_NICE"); fi
if [ -n "${BENCH_CPUS:-}" ]; then nice_cmd=(taskset -c "$BENCH_CPUS" "${nice_cmd[@]}"); fi
run_node() { (cd "$node_dir" && "${nice_cmd[@]}" node dump-bench.mjs dump --inflight "$1" --count "$COUNT" --warmup "$WARMUP" --warmup-ms "$WARMUP_MS"); }
run_cs() { DOTNET_CLI_TELEMETRY_OPTOUT=1 "${nice_cmd[@]}" dotnet "$cs_dll" dump --inflight "$1" --count "$COUNT" --warmup "$WARMUP" --warmup-ms "$WARMUP_MS"; }

started=$(date +%s)
stat_before="$(head -1 /proc/stat)"
say "worker: $MEDIASOUP_WORKER_BIN"
say "machine: $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
say "COUNT=$COUNT WARMUP=$WARMUP WARMUP_MS=$WARMUP_MS ROUNDS=$ROUNDS INFLIGHT='$INFLIGHT' BENCH_NICE='${BENCH_NICE:-}' BENCH_CPUS='${BENCH_CPUS:-}'; raw results: $results"
echo "# raw runs (one JSON line each)"
for round in $(seq 1 "$ROUNDS"); do
  for n in $INFLIGHT; do
    for side in node cs; do
      load1="$(cut -d' ' -f1 /proc/loadavg)"
      if [ "$side" = node ]; then line="$(run_node "$n")"; else line="$(run_cs "$n")"; fi
      line="$(printf '%s\n' "$line" | grep '^{' | tail -1)"
      [ -n "$line" ] || { echo "bench-dump: the $side run with $n in flight printed no result" >&2; exit 1; }
      line="{\"round\":$round,\"load1_before\":$load1,${line#\{}"
      printf '%s\n' "$line" >>"$results"
      printf '%s\n' "$line"
    done
  done
done
elapsed=$(( $(date +%s) - started ))
stat_after="$(head -1 /proc/stat)"

# --- the table: medians across rounds per point, ratios, goals -------------------------------------
RESULTS="$results" ELAPSED="$elapsed" BENCH_NICE="${BENCH_NICE:-}" BENCH_CPUS="${BENCH_CPUS:-}" NCPU="$(nproc)" STAT_BEFORE="$stat_before" STAT_AFTER="$stat_after" node --input-type=module <<'EOF'
import { readFileSync } from 'node:fs';

const runs = readFileSync(process.env.RESULTS, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const goals = { 1: 1.5, 16: 2, 256: 4 };
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const points = [...new Set(runs.map((r) => r.inflight))].sort((a, b) => a - b);
const stat = (lib, n, key) => median(runs.filter((r) => r.lib === lib && r.inflight === n).map((r) => r[key]));
const fmt = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const pad = (s, w) => String(s).padStart(w);
const ncpu = Number(process.env.NCPU) || 1;
// CPU taken by other processes during a run's measured window, as a share of the whole machine.
for (const r of runs) {
  r.others_pct = r.machine_busy_s === undefined ? NaN
    : Math.max(0, (100 * (r.machine_busy_s - r.host_cpu_s - r.worker_cpu_s)) / (r.seconds * ncpu));
}

const rounds = Math.max(...runs.map((r) => r.round));
const bins = [...new Set(runs.map((r) => r.worker_bin))];
const cols = [
  ['in flight', 9], ['lib', 11], ['req/s', 9], ['p50 µs', 8], ['p99 µs', 9],
  ['host CPU s', 10], ['worker CPU s', 12], ['host µs/req', 11], ['worker µs/req', 13], ['others %', 8],
];
console.log('');
console.log(`# medians of ${rounds} round(s), ${fmt(runs[0].count)} requests per run (after ≥ ${fmt(runs[0].warmup)} warm-up requests and ≥ ${fmt(runs[0].warmup_ms ?? 0)} ms), worker ${bins.join(', ')}`);
console.log(cols.map(([h, w]) => pad(h, w)).join('  '));
const verdicts = [];
for (const n of points) {
  const row = {};
  for (const lib of ['node', 'rxmediasoup']) {
    const r = {
      rps: stat(lib, n, 'rps'), p50: stat(lib, n, 'p50_us'), p99: stat(lib, n, 'p99_us'),
      host: stat(lib, n, 'host_cpu_s'), worker: stat(lib, n, 'worker_cpu_s'), count: runs[0].count,
      others: stat(lib, n, 'others_pct'),
    };
    row[lib] = r;
    console.log([
      pad(n, 9), pad(lib, 11), pad(fmt(r.rps), 9), pad(fmt(r.p50, 1), 8), pad(fmt(r.p99, 1), 9),
      pad(fmt(r.host, 2), 10), pad(fmt(r.worker, 2), 12),
      pad(fmt((r.host * 1e6) / r.count, 1), 11), pad(fmt((r.worker * 1e6) / r.count, 1), 13),
      pad(Number.isNaN(r.others) ? '?' : fmt(r.others, 1), 8),
    ].join('  '));
  }
  const c = row.rxmediasoup, d = row.node;
  const ratio = c.rps / d.rps;
  console.log([
    pad(n, 9), pad('Rx/Node', 11), pad(fmt(ratio, 2) + '×', 9), pad(fmt(c.p50 / d.p50, 2) + '×', 8),
    pad(fmt(c.p99 / d.p99, 2) + '×', 9), pad(fmt(c.host / d.host, 2) + '×', 10), pad(fmt(c.worker / d.worker, 2) + '×', 12),
  ].join('  '));
  const goal = goals[n];
  if (goal !== undefined) {
    // Each round's own ratio (its Node and RxMediasoup runs ran back to back): shows how much drift there was.
    const perRound = [...new Set(runs.map((r) => r.round))].map((k) => {
      const pick = (lib) => runs.find((r) => r.round === k && r.lib === lib && r.inflight === n);
      const [x, y] = [pick('rxmediasoup'), pick('node')];
      return x && y ? fmt(x.rps / y.rps, 2) : '?';
    });
    verdicts.push(`${pad(n, 3)} in flight: throughput ${fmt(ratio, 2)}× Node (goal ≥ ${goal}×) ${ratio >= goal ? 'MET' : 'NOT MET'} ` +
      `[per round: ${perRound.join(', ')}]; ` +
      `p99 ${fmt(c.p99, 1)} µs vs Node ${fmt(d.p99, 1)} µs (goal: no worse) ${c.p99 <= d.p99 ? 'MET' : 'NOT MET'}`);
  }
}
const rx = runs.filter((r) => r.lib === 'rxmediasoup' && r.alloc_bytes_per_req !== undefined);
if (rx.length) {
  console.log(`# RxMediasoup managed allocations per request (median per point): ` + points.map((n) =>
    `${n} in flight ${fmt(stat('rxmediasoup', n, 'alloc_bytes_per_req'))} B, ${fmt(stat('rxmediasoup', n, 'gc0'))} gen0 GC(s)/run`).join('; '));
}
console.log('');
console.log('# goals (issue 2 §8)');
for (const v of verdicts) console.log(v);
console.log('');
console.log(`# ${runs.length} runs in ${process.env.ELAPSED} s` +
  `${process.env.BENCH_NICE ? ` under nice -n ${process.env.BENCH_NICE}` : ''}` +
  `${process.env.BENCH_CPUS ? ` on CPU(s) ${process.env.BENCH_CPUS} only` : ''}; host: ${runs.find((r) => r.lib === 'rxmediasoup')?.runtime} vs ${runs.find((r) => r.lib === 'node')?.runtime}`);
// Machine-wide CPU over the whole run (/proc/stat): how busy the cores were and how much the hypervisor stole.
const cpu = (line) => line.trim().split(/\s+/).slice(1).map(Number);
const [b, a] = [cpu(process.env.STAT_BEFORE), cpu(process.env.STAT_AFTER)];
const d = a.map((x, i) => x - b[i]);
const total = d.reduce((x, y) => x + y, 0) || 1;
const idle = d[3] + d[4];
const loads = runs.map((r) => r.load1_before);
console.log(`# machine: ${ncpu} CPU(s) shared by the host process, the worker, the OS and anything else running; ` +
  `${fmt(100 * (total - idle) / total, 1)}% busy over the whole benchmark, steal ${fmt(100 * (d[7] ?? 0) / total, 1)}%, ` +
  `1-min load before each run ${fmt(Math.min(...loads), 2)}–${fmt(Math.max(...loads), 2)}`);
console.log(`# others %: CPU used by other processes during a run's measured window, as a share of all ${ncpu} CPUs ` +
  `(machine busy time from /proc/stat minus the host's and the worker's CPU time; approximate, floored at 0)`);
const disturbed = runs.filter((r) => r.others_pct > 10);
if (disturbed.length) {
  console.log(`# WARNING: in ${disturbed.length} of ${runs.length} runs other processes used more than 10% of the machine ` +
    `(up to ${fmt(Math.max(...disturbed.map((r) => r.others_pct)), 0)}%): the ratios say as much about the scheduler as about ` +
    `the libraries; rerun on a quiet machine before trusting them.`);
}
EOF
say "done in ${elapsed} s (raw results: $results)"
exit 0
