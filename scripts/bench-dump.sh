#!/usr/bin/env bash
# Superseded by scripts/bench.sh (issue 10 §2), which runs dump round trips among its five workloads. This runs only
# its dump workload, as bench-dump.sh did: Node, RxMediasoup subprocess and in-process at 1/16/256 in flight, ROUNDS
# [3] interleaved rounds; BENCH_CPUS set → the pinned pass on those CPUs only, else the unpinned pass. COUNT, WARMUP,
# WARMUP_MS, INFLIGHT, SKIP_BUILD, BENCH_NICE, MEDIASOUP_WORKER_BIN as in bench.sh. The report goes into BENCH_OUT
# (never docs/PERFORMANCE.md, which only a full bench.sh run writes).
# Quick smoke run: COUNT=20000 ROUNDS=1 WARMUP_MS=500 bash scripts/bench-dump.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${BENCH_OUT:-$(mktemp -d -t bench-dump.XXXXXX)}"
export BENCH_OUT="$out" BENCH_REPORT="${BENCH_REPORT:-$out/PERFORMANCE.md}"
export BENCH_WORKLOADS=dump BENCH_PINNED_WORKLOADS=dump BENCH_ROUNDS="${BENCH_ROUNDS:-${ROUNDS:-3}}"
if [ -n "${BENCH_CPUS:-}" ]; then export BENCH_PASSES=pinned; else export BENCH_PASSES=unpinned; fi
exec bash "$here/bench.sh"
