// The tables of scripts/bench-telemetry.sh, from its results.jsonl (RESULTS): per round, medians, and each variant's
// cost against its reference run in the same round (median of the per-round ratios), with the goals of issue 9 §2.
import { readFileSync } from 'node:fs';

const all = readFileSync(process.env.RESULTS, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const runs = all.filter((r) => !r.phases);
const paired = all.filter((r) => r.phases);
for (const r of runs) {
  r.ops = r.rps;
  r.host_us = (r.host_cpu_precise_s * 1e6) / r.count;
  r.worker_us = (r.worker_cpu_s * 1e6) / r.count;
  r.alloc = r.alloc_bytes_per_req;
}
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '?');
const pct = (x) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${fmt(100 * x, 1)} %` : '?');
const pad = (s, w) => String(s).padStart(w);
const groups = [...new Set(runs.map((r) => r.group))];
const rounds = [...new Set(runs.map((r) => r.round))].sort((a, b) => a - b);
const pick = (g, v, k) => runs.find((r) => r.group === g && r.variant === v && r.round === k);
const reference = (v) => (v === 'base' ? null : v === 'none' ? 'base' : 'none');
const titles = {
  dump1: 'worker.DumpAsync, 1 in flight', dump16: 'worker.DumpAsync, 16 in flight', transports: 'WebRtcTransport create + close',
};

console.log(`# bench-telemetry: ${new Set(all.map((r) => r.round)).size} interleaved round(s); baseline (no telemetry in the library) = ${process.env.BASELINE}`);
const verdicts = [];
for (const g of groups) {
  const variants = [...new Set(runs.filter((r) => r.group === g).map((r) => r.variant))];
  const first = runs.find((r) => r.group === g);
  console.log('');
  console.log(`## ${g}: ${titles[g] ?? g}, ${fmt(first.count)} ops per run`);
  console.log('# per round: ops/s | host CPU µs/op | alloc B/op');
  console.log([pad('round', 5), ...variants.map((v) => pad(v, 30))].join('  '));
  for (const k of rounds) {
    console.log([pad(k, 5), ...variants.map((v) => {
      const r = pick(g, v, k);
      return pad(r ? `${fmt(r.ops)} | ${fmt(r.host_us, 2)} | ${fmt(r.alloc)}` : '-', 30);
    })].join('  '));
  }
  console.log('# medians, and the cost against the reference of the same round (median of per-round ratios)');
  console.log([pad('variant', 12), pad('ops/s', 9), pad('host µs/op', 10), pad('worker µs/op', 12), pad('alloc B/op', 10),
    pad('vs', 5), pad('throughput', 11), pad('host CPU/op', 11), pad('alloc/op', 9)].join('  '));
  for (const v of variants) {
    const of = (key) => median(runs.filter((r) => r.group === g && r.variant === v).map((r) => r[key]));
    const ref = reference(v);
    const ratio = (key) => median(rounds.map((k) => {
      const [a, b] = [pick(g, v, k), ref && pick(g, ref, k)];
      return a && b ? a[key] / b[key] : NaN;
    }));
    const throughputCost = ref ? 1 / ratio('ops') - 1 : NaN; // time per op, relative
    const cpuCost = ref ? ratio('host_us') - 1 : NaN;
    const allocDelta = ref ? median(rounds.map((k) => {
      const [a, b] = [pick(g, v, k), pick(g, ref, k)];
      return a && b ? a.alloc - b.alloc : NaN;
    })) : NaN;
    console.log([pad(v, 12), pad(fmt(of('ops')), 9), pad(fmt(of('host_us'), 2), 10), pad(fmt(of('worker_us'), 2), 12),
      pad(fmt(of('alloc')), 10), pad(ref ?? '', 5), pad(pct(throughputCost), 11), pad(pct(cpuCost), 11),
      pad(ref ? `${allocDelta >= 0 ? '+' : ''}${fmt(allocDelta)} B` : '', 9)].join('  '));
    const goal = g.startsWith('dump') && (v === 'none' ? 0.01 : v === 'meters' ? 0.05 : null);
    if (goal) {
      verdicts.push(`${g} ${v} vs ${ref}: host CPU/op ${pct(cpuCost)}, time/op ${pct(throughputCost)} (goal ≤ ${fmt(100 * goal)} %) ` +
        `${cpuCost <= goal ? 'MET' : 'NOT MET'} on host CPU/op, ${throughputCost <= goal ? 'met' : 'not met'} on throughput`);
    }
    if (g === 'transports' && v !== 'base' && v !== 'none') {
      verdicts.push(`tracing cost on WebRtcTransport create+close, ${v} vs none: host CPU/op ${pct(cpuCost)}, ` +
        `time/op ${pct(throughputCost)}, ${allocDelta >= 0 ? '+' : ''}${fmt(allocDelta)} B/op`);
    }
  }
}
// Paired runs: each neighbouring (none, listener) pair of phases of one process gives a ratio; medians over all pairs.
const pairedGroups = [...new Set(paired.map((r) => r.group))];
for (const g of pairedGroups) {
  const first = paired.find((r) => r.group === g);
  console.log('');
  console.log(`## ${g}: ${first.workload}, ${first.inflight} in flight, one process per run, ${first.phases.length} phases of ${fmt(first.count)} ops ` +
    'alternating none / the variant; cost = median over all neighbouring pairs (per run: median of its pairs)');
  console.log([pad('listener', 12), pad('pairs', 5), pad('time/op', 9), pad('host CPU/op', 11), pad('alloc/op', 9), '  per run (host CPU/op)'].join('  '));
  for (const v of [...new Set(paired.filter((r) => r.group === g).map((r) => r.variant))]) {
    const pairs = [];
    const perRun = [];
    for (const r of paired.filter((x) => x.group === g && x.variant === v)) {
      const mine = [];
      for (let i = 0; i + 1 < r.phases.length; i += 2) {
        // a: the phase with the listener (or, for "base", the current library's: what telemetry costs), b: its reference.
        let [a, b] = r.phases[i].mode === 'none' ? [r.phases[i + 1], r.phases[i]] : [r.phases[i], r.phases[i + 1]];
        if (v === 'base') [a, b] = [b, a];
        mine.push({ time: b.ops / a.ops - 1, cpu: a.host_us / b.host_us - 1, alloc: a.alloc - b.alloc });
      }
      pairs.push(...mine);
      perRun.push(pct(median(mine.map((m) => m.cpu))));
    }
    const [time, cpu, alloc] = ['time', 'cpu', 'alloc'].map((k) => median(pairs.map((p) => p[k])));
    console.log([pad(v === 'base' ? 'none/base' : v, 12), pad(pairs.length, 5), pad(pct(time), 9), pad(pct(cpu), 11), pad(`${alloc >= 0 ? '+' : ''}${fmt(alloc)} B`, 9),
      `  ${perRun.join(', ')}`].join('  '));
    const goal = first.workload === 'dump' && (v === 'meters' ? 0.05 : v === 'base' ? 0.01 : null);
    const what = v === 'base' ? 'none vs base (the library before telemetry)' : `${v} vs none`;
    if (goal) {
      verdicts.push(`${g} (one process) ${what}: host CPU/op ${pct(cpu)}, time/op ${pct(time)} (goal ≤ ${fmt(100 * goal)} %) ` +
        `${cpu <= goal ? 'MET' : 'NOT MET'} on host CPU/op, ${time <= goal ? 'met' : 'not met'} on throughput`);
    } else {
      verdicts.push(`${g} (one process) ${v} vs none: host CPU/op ${pct(cpu)}, time/op ${pct(time)}, ${alloc >= 0 ? '+' : ''}${fmt(alloc)} B/op`);
    }
  }
}

console.log('');
console.log('# goals (issue 9 §2)');
for (const v of verdicts) console.log(v);
const loads = all.map((r) => r.load1);
console.log(`# ${all.length} runs in ${process.env.ELAPSED} s; 1-min load average before the runs ${fmt(Math.min(...loads), 2)}–${fmt(Math.max(...loads), 2)} ` +
  `(${all.find((r) => r.runtime)?.runtime ?? 'paired runs only'}); throughput moves with the other processes on the machine, CPU per op much less`);
