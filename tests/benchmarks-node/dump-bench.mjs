// The Node mediasoup side of scripts/bench.sh (its dump workload): worker.dump() round trips with N requests in flight.
//
//   MEDIASOUP_WORKER_BIN=/path/to/mediasoup-worker node dump-bench.mjs dump --inflight 16 --count 100000 --warmup 5000 [--warmup-ms 2000]
//
// Warm-up (unmeasured): at least --warmup requests and at least --warmup-ms milliseconds of them; both runtimes
// tier their JIT up over the first second or two, and a request count alone warms the fast points (256 in
// flight) for only a fraction of a second.
//
// Prints one JSON line; the same fields as tests/RxMediasoup.Benchmarks (the C# side), computed the same way:
// - exactly N requests outstanding: N async loops, each awaiting one dump() at a time, until `count` completed;
// - per-request latency (send to resolved promise) in a preallocated array; p50/p99 by nearest rank;
// - CPU seconds (user+system) of this process (and host_cpu_precise_s: process.cpuUsage(), µs resolution) and of the worker process over the measured window only,
//   from /proc/<pid>/stat (utime+stime, clock ticks) before and after;
// - machine_busy_s: non-idle CPU seconds of the whole machine in that window (/proc/stat), so that the CPU
//   taken by other processes (machine_busy_s - host_cpu_s - worker_cpu_s) shows how disturbed the run was.
import { readlinkSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as mediasoup from 'mediasoup';
import { cpuSeconds, hostCpuSeconds, machineBusySeconds, round } from './bench-kit.mjs';

function parseArgs(argv) {
	const args = { workload: 'dump', inflight: 1, count: 100_000, warmup: 5_000, warmupMs: 0 };
	const rest = argv.slice(2);
	if (rest.length > 0 && !rest[0].startsWith('--')) args.workload = rest.shift();
	for (let i = 0; i < rest.length; i += 2) {
		const key = rest[i];
		const value = Number(rest[i + 1]);
		if (!Number.isInteger(value) || value < 0) throw new Error(`${key} needs a non-negative integer`);
		switch (key) {
			case '--inflight': args.inflight = value; break;
			case '--count': args.count = value; break;
			case '--warmup': args.warmup = value; break;
			case '--warmup-ms': args.warmupMs = value; break;
			default: throw new Error(`unknown option ${key}`);
		}
	}
	if (args.workload !== 'dump') throw new Error(`unknown workload ${args.workload} (only: dump)`);
	if (args.inflight < 1 || args.count < args.inflight) throw new Error('need 1 <= --inflight <= --count');
	return args;
}

/** Runs `count` dumps with `inflight` outstanding; records latencies (ms) if `latencies` is given. */
async function run(worker, inflight, count, latencies) {
	let next = 0;
	async function loop() {
		while (true) {
			const i = next++;
			if (i >= count) return;
			const t0 = performance.now();
			await worker.dump();
			if (latencies) latencies[i] = performance.now() - t0;
		}
	}
	const loops = [];
	for (let k = 0; k < inflight; k++) loops.push(loop());
	await Promise.all(loops);
}

function percentile(sorted, p) {
	const rank = Math.max(1, Math.ceil(p * sorted.length));
	return sorted[rank - 1];
}

async function main() {
	const args = parseArgs(process.argv);
	if (!process.env.MEDIASOUP_WORKER_BIN) throw new Error('set MEDIASOUP_WORKER_BIN to the worker binary');
	const worker = await mediasoup.createWorker({ logLevel: 'warn' });
	try {
		const workerBin = readlinkSync(`/proc/${worker.pid}/exe`);
		let warmupDone = 0;
		const warmupStart = performance.now();
		while (warmupDone < args.warmup || performance.now() - warmupStart < args.warmupMs) {
			const chunk = Math.max(args.inflight, Math.min(args.warmup > 0 ? args.warmup : 10_000, 10_000));
			await run(worker, args.inflight, chunk, null);
			warmupDone += chunk;
		}
		const latencies = new Float64Array(args.count);

		const machineBefore = machineBusySeconds();
		const hostBefore = cpuSeconds(process.pid);
		const hostPreciseBefore = hostCpuSeconds();
		const workerBefore = cpuSeconds(worker.pid);
		const t0 = performance.now();
		await run(worker, args.inflight, args.count, latencies);
		const elapsedMs = performance.now() - t0;
		const hostCpu = cpuSeconds(process.pid) - hostBefore;
		const hostPrecise = hostCpuSeconds() - hostPreciseBefore;
		const workerCpu = cpuSeconds(worker.pid) - workerBefore;
		const machineBusy = machineBusySeconds() - machineBefore;

		latencies.sort();
		const seconds = elapsedMs / 1000;
		const result = {
			lib: 'node',
			workload: args.workload,
			inflight: args.inflight,
			count: args.count,
			warmup: args.warmup,
			warmup_ms: args.warmupMs,
			warmup_done: warmupDone,
			seconds: round(seconds, 4),
			rps: round(args.count / seconds, 1),
			p50_us: round(percentile(latencies, 0.50) * 1000, 1),
			p99_us: round(percentile(latencies, 0.99) * 1000, 1),
			max_us: round(latencies[latencies.length - 1] * 1000, 1),
			host_cpu_s: round(hostCpu, 2),
			worker_cpu_s: round(workerCpu, 2),
			machine_busy_s: round(machineBusy, 2),
			host_pid: process.pid,
			worker_pid: worker.pid,
			worker_bin: workerBin,
			runtime: `node ${process.version}`,
			host_cpu_precise_s: round(hostPrecise, 5),
			heap_used_b: process.memoryUsage().heapUsed,
		};
		process.stdout.write(JSON.stringify(result) + '\n');
	} finally {
		worker.close();
	}
}

main().catch((error) => {
	process.stderr.write(`dump-bench: ${error.stack ?? error}\n`);
	process.exit(1);
});
