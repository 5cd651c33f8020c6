// What the Node reference harnesses (dump-bench.mjs, suite-bench.mjs) share: CPU time from /proc, the measured
// window, options, the media parameters. The C# twin is tests/RxMediasoup.Benchmarks/Suite/SuiteKit.cs; every number
// is computed the same way on both sides (see there).
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export const clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** utime+stime of a process in seconds, from /proc/<pid>/stat (10 ms ticks). */
export function cpuSeconds(pid) {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// The command name (field 2) may contain spaces: fields after it start after the last ')'.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	// fields[0] is field 3 (state); utime is field 14, stime field 15.
	return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** This process's user+system CPU seconds (all threads), µs resolution: the "host CPU". */
export function hostCpuSeconds() {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1e6;
}

/** Non-idle CPU seconds of the whole machine (all CPUs; steal counts as busy), from /proc/stat. */
export function machineBusySeconds() {
	const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
	const total = f.reduce((a, b) => a + b, 0);
	return (total - f[3] - f[4]) / clockTicks; // minus idle and iowait
}

export function round(x, digits) {
	const f = 10 ** digits;
	return Math.round(x * f) / f;
}

/** Parses "--name value" integer options over `defaults`; unknown names and non-integers are errors naming the option. */
export function parseOptions(argv, defaults) {
	const options = { ...defaults };
	for (let i = 0; i < argv.length; i += 2) {
		const key = argv[i];
		if (!key.startsWith('--') || !(key.slice(2) in defaults)) {
			throw new Error(`unknown option ${key} (known: ${Object.keys(defaults).map((k) => `--${k}`).join(', ')})`);
		}
		const value = Number(argv[i + 1]);
		if (!Number.isInteger(value) || value < 0) throw new Error(`${key} needs a non-negative integer`);
		options[key.slice(2)] = value;
	}
	return options;
}

/** A measured window: wall time, host CPU (this process), worker CPU, machine busy time, heap used at the end. */
export function probe(worker) {
	const machine0 = machineBusySeconds();
	const worker0 = cpuSeconds(worker.pid);
	const host0 = hostCpuSeconds();
	const t0 = performance.now();
	return {
		stop(ops) {
			const seconds = (performance.now() - t0) / 1000;
			const host = hostCpuSeconds() - host0;
			const workerCpu = cpuSeconds(worker.pid) - worker0;
			const machine = machineBusySeconds() - machine0;
			const perOp = Math.max(ops, 1);
			return {
				ops,
				seconds: round(seconds, 6),
				rate: round(ops / seconds, 1),
				host_cpu_s: round(host, 6),
				worker_cpu_s: round(workerCpu, 2),
				machine_busy_s: round(machine, 2),
				host_us_per_op: round((host * 1e6) / perOp, 3),
				worker_us_per_op: round((workerCpu * 1e6) / perOp, 3),
				heap_used_b: process.memoryUsage().heapUsed,
			};
		},
	};
}

export function head(workload, worker) {
	return {
		lib: 'node',
		workload,
		runtime: `node ${process.version}`,
		worker_pid: worker.pid,
		worker_bin: readlinkSync(`/proc/${worker.pid}/exe`),
	};
}

export const opus = { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100 };

export function audioProducer(ssrc) {
	return {
		kind: 'audio',
		rtpParameters: {
			codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
			encodings: [{ ssrc }],
		},
	};
}

/** An opus RTP packet of `size` bytes (12-byte header). */
export function rtpPacket(size, seq, ssrc) {
	const packet = Buffer.alloc(Math.max(size, 13));
	packet[0] = 0x80;
	packet[1] = 100;
	setSequence(packet, seq);
	packet.writeUInt32BE(ssrc, 8);
	return packet;
}

/** Sequence number and a timestamp 960 samples (20 ms of opus) per packet. */
export function setSequence(packet, seq) {
	packet.writeUInt16BE(seq & 0xffff, 2);
	packet.writeUInt32BE((seq * 960) >>> 0, 4);
}

/** Runs op(0 … count-1) with at most `inflight` outstanding. */
export async function forEach(count, inflight, op) {
	let next = 0;
	async function loop() {
		for (let i = next++; i < count; i = next++) await op(i);
	}
	const loops = [];
	for (let k = 0; k < Math.max(1, Math.min(inflight, count)); k++) loops.push(loop());
	await Promise.all(loops);
}

/** Heap used after full collections (node --expose-gc). */
export function heapAfterFullGc() {
	if (typeof global.gc !== 'function') throw new Error('run node with --expose-gc');
	global.gc();
	global.gc();
	return process.memoryUsage().heapUsed;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Flow control for fire-and-forget sends: the twin of SuiteKit.cs's Flow. */
export function flow() {
	let wake = Infinity;
	let resolveWaiter = null;
	const f = {
		received: 0,
		onReceived() {
			if (++f.received >= wake) {
				wake = Infinity;
				resolveWaiter();
			}
		},
		until(count) {
			if (f.received >= count) return Promise.resolve();
			return new Promise((resolve) => {
				resolveWaiter = resolve;
				wake = count;
			});
		},
	};
	return f;
}
