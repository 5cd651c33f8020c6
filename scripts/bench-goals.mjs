// The goals of issue 10 §3, evaluated on scripts/bench.sh's results (bench-summary.mjs puts them in the report).
// A goal is MET only when EVERY round meets it (the issue: "every round — not only the median"); goals whose cases
// were not run (BENCH_PASSES, BENCH_WORKLOADS) are left out. Never an exit code: a benchmark reports, CI does not fail
// on a ratio.
const RX = 'rxmediasoup';
const IN = 'rxmediasoup-inprocess';
const NODE = 'node';

/** [pass, case, measure, lib, reference lib (null: an absolute bound), key, '>=' | '<=', target, what]. */
const goals = [
	...[['1', 0.7, 1.5], ['16', 0.5, 2], ['256', 0.5, 3]].flatMap(([n, cpu, rate]) => [
		['pinned', `dump@${n}`, 'dump', RX, NODE, 'host_us_per_op', '<=', cpu, `dump ${n} in flight, subprocess: host CPU/request`],
		['pinned', `dump@${n}`, 'dump', RX, NODE, 'rate', '>=', rate, `dump ${n} in flight, subprocess: requests/s`],
	]),
	...['1', '16', '256'].map((n) => ['unpinned', `dump@${n}`, 'dump', RX, NODE, 'rate', '>=', 2, `dump ${n} in flight, subprocess: requests/s`]),
	...['unpinned', 'pinned'].flatMap((pass) => [
		[pass, 'dump@256', 'dump', IN, RX, 'rate', '>=', 1.5, 'dump 256 in flight: in-process vs subprocess requests/s'],
		[pass, 'dump@256', 'dump', IN, RX, 'host_us_per_op', '<=', 0.6, 'dump 256 in flight: in-process vs subprocess host CPU/request'],
	]),
	...['transports', 'producers', 'consumers'].map((phase) =>
		['unpinned', 'create', phase, RX, NODE, 'rate', '>=', 3, `create, 16 in flight: ${phase}/s`]),
	['unpinned', 'create', 'consumers', RX, NODE, 'heap_b_per_entity', '<=', 0.35, 'heap per consumer (one Score subscription)'],
	['unpinned', 'close', 'close_cold', RX, NODE, 'rate', '>=', 1, 'close a router with 1,000 consumers, cold: speed (Node time / ours)'],
	...['unpinned', 'pinned'].flatMap((pass) => [
		// A fixed packet rate: both sides deliver what is offered while they keep up, so "≥ 2×" is read as
		// notifications per host CPU second, i.e. host CPU per notification ≤ 0.5× Node's.
		[pass, 'fanout', 'fanout', RX, NODE, 'host_us_per_op', '<=', 0.5, 'fan-out: host CPU/notification'],
		[pass, 'direct', 'data', RX, NODE, 'rate', '>=', 2, 'DirectTransport data messages/s'],
		[pass, 'direct', 'rtp', RX, NODE, 'rate', '>=', 2, 'DirectTransport RTP packets/s'],
	]),
	...['unpinned', 'pinned'].flatMap((pass) => ['1', '16', '256'].flatMap((n) => [RX, IN].map((lib) =>
		[pass, `dump@${n}`, 'dump', lib, null, 'alloc_b_per_op', '<=', 200,
			`dump ${n} in flight${lib === IN ? ', in-process' : ''}: bytes allocated/request`]))),
];

/** The report's goal section (markdown lines). */
export function goalLines({ passes, lines, med, perRound, fmt }) {
	const out = ['## Goals (issue 10 §3)', '',
		'MET = every round meets it. Ratios are ours / the reference\'s, each round\'s runs back to back.', '',
		'| pass | goal | target | median | per round | verdict |', '|---|---|--:|--:|---|---|'];
	const has = (pass, kase, lib) => lines.some((r) => r.pass === pass && r.case === kase && r.lib === lib);
	for (const [pass, kase, name, lib, ref, key, op, target, what] of goals) {
		if (!passes.includes(pass) || !has(pass, kase, lib) || (ref && !has(pass, kase, ref))) continue;
		const rounds = ref
			? perRound(pass, kase, name, lib, ref, key)
			: lines.filter((r) => r.pass === pass && r.case === kase && r.lib === lib).sort((a, b) => a.round - b.round)
				.map((r) => r.measures[name][key]);
		const median = ref ? med(pass, kase, name, lib, key) / med(pass, kase, name, ref, key) : med(pass, kase, name, lib, key);
		const meets = (x) => (op === '>=' ? x >= target : x <= target);
		const met = rounds.filter(meets).length;
		const unit = ref ? '×' : ' B';
		out.push(`| ${pass} | ${what}${ref === NODE ? ' vs Node' : ''} | ${op === '>=' ? '≥' : '≤'} ${target}${unit} | ` +
			`${fmt(median, ref ? 2 : 0)}${unit} | ${rounds.map((x) => fmt(x, ref ? 2 : 0)).join(', ')} | ` +
			`${met === rounds.length ? '**MET**' : `not met (${met} of ${rounds.length} rounds)`} |`);
	}
	out.push('');
	return out;
}
