// scripts/bench.sh's report: reads results.jsonl (one JSON line per run, tagged with pass/case/side/round), checks
// that every planned run is there with finite figures (exit 1 otherwise: a workload that did not complete or whose
// output does not parse), and writes the markdown report (docs/PERFORMANCE.md, or BENCH_REPORT) and prints it.
// It never fails on a ratio. The goals of issue 10 §3 are evaluated in bench-goals.mjs.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { goalLines } from './bench-goals.mjs';

const env = process.env;
const lines = readFileSync(env.RESULTS, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const plan = readFileSync(env.PLAN, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
	const [pass, kase, side, round] = l.split(' ');
	return { pass, case: kase, side, round: Number(round) };
});
const expectedMeasures = {
	dump: ['dump'], create: ['router', 'transports', 'producers', 'consumers'], fanout: ['fanout'],
	direct: ['data', 'rtp'], close: ['close_cold', 'close_warm'],
};

// dump lines (Program.cs / dump-bench.mjs) have their own flat shape: make them one "dump" measure like the rest.
for (const r of lines) {
	if (r.workload !== 'dump') continue;
	const host = r.host_cpu_precise_s || r.host_cpu_s;
	r.measures = {
		dump: {
			ops: r.count, seconds: r.seconds, rate: r.rps, host_cpu_s: host, worker_cpu_s: r.worker_cpu_s,
			machine_busy_s: r.machine_busy_s, host_us_per_op: (host * 1e6) / r.count,
			worker_us_per_op: (r.worker_cpu_s * 1e6) / r.count, alloc_b_per_op: r.alloc_bytes_per_req,
			p50_us: r.p50_us, p99_us: r.p99_us, heap_used_b: r.heap_used_b,
		},
	};
}

// --- the check ---------------------------------------------------------------------------------------------
const problems = [];
const find = (p) => lines.find((r) => r.pass === p.pass && r.case === p.case && r.side === p.side && r.round === p.round);
const finite = (x) => typeof x === 'number' && Number.isFinite(x);
for (const p of plan) {
	const r = find(p);
	const what = `${p.pass} ${p.case} ${p.side} round ${p.round}`;
	if (!r) { problems.push(`${what}: no result`); continue; }
	if (r.lib !== p.side) problems.push(`${what}: the line says lib ${r.lib}`);
	// The same build on every side: the binary, or in-process the library beside it (what the .NET side loads).
	const want = p.side === 'rxmediasoup-inprocess' ? `in-process:${dirname(env.WORKER_BIN)}/libmediasoup-worker.so` : env.WORKER_BIN;
	if (r.worker_bin !== want) problems.push(`${what}: ran worker ${r.worker_bin}, not ${want}`);
	for (const name of expectedMeasures[p.case.split('@')[0]] ?? []) {
		const m = r.measures?.[name];
		if (!m) { problems.push(`${what}: no measure ${name}`); continue; }
		for (const k of ['ops', 'seconds', 'rate', 'host_us_per_op', 'worker_us_per_op']) {
			const positive = k === 'ops' || k === 'seconds' || k === 'rate'; // CPU may round to 0 in a tiny window
			if (!finite(m[k]) || m[k] < 0 || (positive && m[k] === 0)) problems.push(`${what}: ${name}.${k} = ${m[k]}`);
		}
		if (r.workload === 'create' && !finite(m.heap_b_per_entity)) problems.push(`${what}: ${name}.heap_b_per_entity = ${m.heap_b_per_entity}`);
	}
}
if (problems.length) {
	process.stderr.write(`bench-summary: ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
	process.exit(1);
}

// --- the report ----------------------------------------------------------------------------------------------
const median = (xs) => {
	const s = xs.filter(finite).sort((a, b) => a - b);
	if (!s.length) return NaN;
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, d = 0) => (finite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '–');
const ratio = (x, d = 2) => (finite(x) ? `${fmt(x, d)}×` : '–');
const ncpu = Number(env.NCPU) || 1;
// /proc/stat counts 10 ms ticks: in a window shorter than 0.25 s the share means nothing.
const othersPct = (m) => (m.seconds < 0.25 ? NaN
	: Math.max(0, (100 * (m.machine_busy_s - m.host_cpu_s - m.worker_cpu_s)) / (m.seconds * ncpu)));
const libName = { node: 'Node', rxmediasoup: 'RxMediasoup', 'rxmediasoup-inprocess': 'RxMediasoup in-process' };

/** Per pass/case/measure/lib: the measure of each round, by round number. */
const byRound = (pass, kase, name, lib) => new Map(lines
	.filter((r) => r.pass === pass && r.case === kase && r.lib === lib && r.measures?.[name])
	.map((r) => [r.round, r.measures[name]]));
/** Per-round ratios f(x)/f(y) of two libs' measures (rounds where both ran). */
function perRound(pass, kase, name, libX, libY, key) {
	const x = byRound(pass, kase, name, libX), y = byRound(pass, kase, name, libY);
	return [...x.keys()].sort((a, b) => a - b).filter((k) => y.has(k)).map((k) => x.get(k)[key] / y.get(k)[key]);
}
const med = (pass, kase, name, lib, key) => median([...byRound(pass, kase, name, lib).values()].map((m) => m[key]));
const roundsText = (rs, lowerIsBetter) => {
	if (!rs.length) return '–';
	const worst = lowerIsBetter ? Math.max(...rs) : Math.min(...rs);
	return `${rs.map((x) => fmt(x, 2)).join(', ')} (${lowerIsBetter ? 'max' : 'min'} ${fmt(worst, 2)})`;
};

const out = [];
const say = (s = '') => out.push(s);
const passes = [...new Set(plan.map((p) => p.pass))];
const rounds = Math.max(...plan.map((p) => p.round));
say('# Performance: RxMediasoup side by side with Node mediasoup');
say('');
say(`> **Generated by \`scripts/bench.sh\` — do not edit by hand; rerun the script.** ${env.SMOKE === '1' ? '**SMOKE RUN (tiny counts): the figures mean nothing.**' : ''}`);
say('');
say('| | |');
say('|---|---|');
say(`| date | ${new Date().toISOString().replace(/\.\d+Z$/, ' UTC').replace('T', ' ')} (${fmt(Number(env.ELAPSED) / 60, 1)} min) |`);
say(`| machine | ${env.CPU_MODEL}, ${ncpu} CPU(s), Linux ${env.KERNEL} |`);
say(`| .NET | SDK ${env.DOTNET_VERSION}, ${lines.find((r) => r.lib === 'rxmediasoup')?.runtime ?? '?'} |`);
say(`| Node | ${env.NODE_VERSION}, npm mediasoup ${env.NODE_MEDIASOUP} (public API only) |`);
say(`| worker | ${env.WORKER_BIN} (sha256 ${env.WORKER_SHA}…), the same binary for both sides (checked per run); in-process: libmediasoup-worker.so beside it (checked per run) |`);
say(`| rounds | ${rounds} per pass, interleaved (each case runs once per side per round, the sides' order alternating) |`);
say(`| passes | ${passes.map((p) => (p === 'pinned' ? `pinned (both sides and their workers on CPU(s) ${env.CPUS}, taskset)` : 'unpinned')).join('; ')} |`);
say(`| settings | ${env.SETTINGS} |`);
const cpu = (l) => l.trim().split(/\s+/).slice(1).map(Number);
const [b, a] = [cpu(env.STAT_BEFORE), cpu(env.STAT_AFTER)];
const d = a.map((x, i) => x - b[i]);
const total = d.reduce((x, y) => x + y, 0) || 1;
const loads = lines.map((r) => r.load1_before);
say(`| machine load | ${fmt((100 * (total - d[3] - d[4])) / total, 1)} % busy over the run, steal ${fmt((100 * (d[7] ?? 0)) / total, 1)} %, 1-min load before runs ${fmt(Math.min(...loads), 2)}–${fmt(Math.max(...loads), 2)} |`);
say('');
say('Host CPU = CPU time (user+system) of the benchmark process itself (the .NET or Node process; in-process mode minus the');
say('worker thread), per operation; the worker\'s CPU is shown apart. "× Node" = RxMediasoup / Node: above 1 is better for');
say('ops/s, below 1 is better for CPU and memory. Ratios: of the medians, then every round\'s own ratio (its runs ran back');
say('to back). Allocations: .NET managed bytes allocated per operation (GC.GetTotalAllocatedBytes); Node has no such');
say('counter: its rows show the V8 heap used at the end of the window instead. "others %": CPU other processes took');
say('during a run, as a share of the machine (– for windows under 0.25 s: /proc/stat counts 10 ms ticks).');
say('Warm-up (unmeasured): both sides run at least WARMUP requests for at least WARMUP_MS. The .NET dump harness then goes on');
say('until its JIT has compiled nothing for 4 s (at most 30 s more): pinned to one CPU, .NET\'s tiered compilation waits ten');
say('times longer before promoting hot methods, and a fixed 2 s warm-up measured unoptimized code. Node\'s figures do not move');
say('with a longer warm-up (pinned, 2 s vs 12 s: the same host µs/request; docs/profiles/dump.md), so it keeps the fixed one.');
say('');
out.push(...goalLines({ passes, lines, med, perRound, fmt }));

const extra = {
	dump: [['p50 µs', (m) => fmt(m.p50_us, 1)], ['p99 µs', (m) => fmt(m.p99_us, 1)]],
	create: [['heap B/entity', (m) => fmt(m.heap_b_per_entity)]],
	fanout: [['delivered / expected', (m) => `${fmt(m.ops)} / ${fmt(m.expected)}`]],
};
for (const pass of passes) {
	say(`## ${pass === 'pinned' ? `Pinned pass (CPU(s) ${env.CPUS})` : 'Unpinned pass'}`);
	const cases = [...new Set(plan.filter((p) => p.pass === pass).map((p) => p.case))];
	for (const workload of [...new Set(cases.map((c) => c.split('@')[0]))]) {
		const ex = extra[workload] ?? [];
		say('');
		say(`### ${workload}`);
		say('');
		say(`| case | measure | library | ms | ops/s | × Node | per round | host µs/op | × Node | per round | worker µs/op | B alloc/op | ${ex.map(([h]) => `${h} | `).join('')}others % |`);
		say(`|---|---|---|--:|--:|--:|---|--:|--:|---|--:|--:|${ex.map(() => '--:|').join('')}--:|`);
		for (const kase of cases.filter((c) => c.split('@')[0] === workload)) {
			for (const name of expectedMeasures[workload]) {
				const libs = [...new Set(lines.filter((r) => r.pass === pass && r.case === kase).map((r) => r.lib))].sort();
				for (const lib of libs) {
					const ms = [...byRound(pass, kase, name, lib).values()];
					const m = (key) => median(ms.map((x) => x[key]));
					const mm = Object.fromEntries(Object.keys(ms[0]).map((k) => [k, m(k)]));
					const vsNode = lib !== 'node';
					const cells = [
						kase.includes('@') ? `${kase.split('@')[1]} in flight` : workload, name, libName[lib] ?? lib,
						fmt(mm.seconds * 1000, 2), fmt(mm.rate),
						vsNode ? ratio(mm.rate / med(pass, kase, name, 'node', 'rate')) : '',
						vsNode ? roundsText(perRound(pass, kase, name, lib, 'node', 'rate'), false) : '',
						fmt(mm.host_us_per_op, 2),
						vsNode ? ratio(mm.host_us_per_op / med(pass, kase, name, 'node', 'host_us_per_op')) : '',
						vsNode ? roundsText(perRound(pass, kase, name, lib, 'node', 'host_us_per_op'), true) : '',
						fmt(mm.worker_us_per_op, 2),
						lib === 'node' ? (finite(mm.heap_used_b) ? `heap ${fmt(mm.heap_used_b / 1048576, 1)} MB` : '–') : fmt(mm.alloc_b_per_op),
						...ex.map(([, f]) => f(mm)), fmt(median(ms.map(othersPct)), 1),
					];
					say(`| ${cells.join(' | ')} |`);
				}
			}
		}
		if (workload === 'create') {
			say('');
			say('Heap per entity: the managed heap (.NET, after full blocking collections) or the V8 heap used (Node, after');
			say('`global.gc()` with --expose-gc) that a phase\'s entities keep, divided by their count; each consumer holds ONE');
			say('Score subscription (Node: one `score` listener). Whole run\'s heap per entity: ' + ['rxmediasoup', 'node'].map((lib) =>
				`${libName[lib]} ${fmt(median(lines.filter((r) => r.pass === pass && r.lib === lib && r.workload === 'create').map((r) => r.heap_b_per_entity)))} B`).join(', ') + '.');
		}
	}
	say('');
}
say('Raw results: one JSON line per run in the run\'s BENCH_OUT directory (results.jsonl); `(set -a; . BENCH_OUT/summary.env;');
say('node scripts/bench-summary.mjs)` rebuilds this file from them.');
const text = out.join('\n') + '\n';
mkdirSync(dirname(env.REPORT), { recursive: true });
writeFileSync(env.REPORT, text);
process.stdout.write(text);
