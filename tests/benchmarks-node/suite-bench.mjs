// The Node mediasoup side of scripts/bench.sh's workloads besides dump (issue 10 §2), mediasoup's public API only:
//
//   MEDIASOUP_WORKER_BIN=… node --expose-gc suite-bench.mjs create|fanout|direct|close [--option N …]
//
// Each workload is the twin of tests/RxMediasoup.Benchmarks/Suite/<Name>Benchmark.cs (same options, defaults,
// warm-up, log level 'warn', same entities and parameters; read the C# file's summary for what is measured) and
// prints one JSON line: the head (bench-kit.mjs) and "measures", one measured window per name.
import * as mediasoup from 'mediasoup';
import { performance } from 'node:perf_hooks';
import {
	audioProducer, flow, forEach, head, heapAfterFullGc, opus, parseOptions, probe, round, rtpPacket, setSequence, sleep,
} from './bench-kit.mjs';

const workloads = { create, fanout, direct, close };

async function create(worker, argv) {
	const o = parseOptions(argv, { transports: 500, producers: 250, consumers: 1000, inflight: 16 });
	if (o.producers < 1 || o.transports <= o.producers || o.consumers < 1) {
		throw new Error('need --producers >= 1, --transports > --producers (the rest hold the consumers), --consumers >= 1');
	}
	const scale = (by) => ({
		transports: Math.max(2, Math.floor(o.transports / by)), producers: Math.max(1, Math.floor(o.producers / by)),
		consumers: Math.max(1, Math.floor(o.consumers / by)), inflight: o.inflight,
	});
	const warm = await createAll(worker, scale(16), false);
	warm.router.close();

	const line = { ...head('create', worker), inflight: o.inflight, measures: {}, heap_b: {} };
	const heapStart = heapAfterFullGc();
	const entities = await createAll(worker, o, true, (phase, window, heapAfter) => {
		line.measures[phase] = window;
		line.heap_b[phase] = heapAfter;
	});
	const heapEnd = heapAfterFullGc();
	line.heap_start_b = heapStart;
	line.entities = 1 + o.transports + o.producers + o.consumers;
	line.heap_b_per_entity = round((heapEnd - heapStart) / line.entities, 1);
	entities.router.close();
	return line;
}

async function createAll(worker, o, measured, report) {
	const { inflight, transports: nt, producers: np, consumers: nc } = o;
	const listenInfos = [{ protocol: 'udp', ip: '127.0.0.1', portRange: { min: 20000, max: 40000 } }];
	const e = { router: null, transports: new Array(nt), producers: new Array(np), consumers: new Array(nc) };
	let heap = measured ? heapAfterFullGc() : 0;
	async function phase(name, count, createOne) {
		const p = measured ? probe(worker) : null;
		await forEach(count, inflight, createOne);
		if (!p) return;
		const window = p.stop(count);
		const after = heapAfterFullGc();
		window.heap_b_per_entity = round((after - heap) / count, 1);
		report(name, window, after);
		heap = after;
	}
	await phase('router', 1, async () => { e.router = await worker.createRouter({ mediaCodecs: [opus] }); });
	await phase('transports', nt, async (i) => { e.transports[i] = await e.router.createWebRtcTransport({ listenInfos }); });
	await phase('producers', np, async (i) => { e.producers[i] = await e.transports[i].produce(audioProducer(10_000 + i)); });
	const consumerTransports = nt - np;
	await phase('consumers', nc, async (i) => {
		const consumer = await e.transports[np + (i % consumerTransports)].consume({
			producerId: e.producers[i % np].id, rtpCapabilities: e.router.rtpCapabilities,
		});
		consumer.on('score', () => {}); // one Score subscription, as the C# side
		e.consumers[i] = consumer;
	});
	return e;
}

/** The fan-out and close workloads' router: see ConsumerFarm in FanoutBenchmark.cs. */
async function consumerFarm(worker, consumers, inflight) {
	const router = await worker.createRouter({ mediaCodecs: [opus] });
	const direct = await router.createDirectTransport();
	const producer = await direct.produce(audioProducer(1111));
	const sink = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
	await sink.connect({ ip: '127.0.0.1', port: 9 });
	const all = new Array(consumers);
	await forEach(consumers, inflight, async (i) => {
		all[i] = await sink.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
	});
	return { router, producer, sink, consumers: all };
}

async function fanout(worker, argv) {
	const o = parseOptions(argv, { consumers: 1000, rate: 50, ms: 5000, 'warmup-ms': 1000, 'drain-ms': 5000, inflight: 16, size: 200 });
	const farm = await consumerFarm(worker, o.consumers, o.inflight);
	let delivered = 0;
	await forEach(farm.consumers.length, o.inflight, (c) => farm.consumers[c].enableTraceEvent(['rtp']));
	// mediasoup 3.27.1's Consumer emits 'trace' TWICE per CONSUMER_TRACE notification (node/lib/Consumer.js: the
	// emit lines are duplicated), with the same object: count notifications, not emits.
	for (const consumer of farm.consumers) {
		let last = null;
		consumer.on('trace', (trace) => {
			if (trace !== last) delivered++;
			last = trace;
		});
	}
	const packet = rtpPacket(o.size, 0, 1111);
	let seq = 0;
	async function feed(ms) {
		const start = performance.now();
		let sent = 0;
		for (let elapsed = 0; elapsed < ms; elapsed = performance.now() - start) {
			const due = Math.floor((elapsed * o.rate) / 1000) + 1;
			for (; sent < due; sent++) {
				const copy = Buffer.from(packet);
				setSequence(copy, seq++);
				farm.producer.send(copy);
			}
			await sleep(5);
		}
		return { sent, expected: sent * farm.consumers.length };
	}
	async function drain(target) {
		const start = performance.now();
		while (delivered < target && performance.now() - start < o['drain-ms']) await sleep(2);
	}
	await drain((await feed(o['warmup-ms'])).expected);
	delivered = 0;

	const p = probe(worker);
	const { sent, expected } = await feed(o.ms);
	await drain(expected);
	const window = { ...p.stop(delivered), packets: sent, expected, offered_per_s: o.rate * farm.consumers.length };
	if (delivered !== expected) process.stderr.write(`fanout: ${delivered} of ${expected} notifications delivered\n`);
	farm.router.close();
	return { ...head('fanout', worker), consumers: farm.consumers.length, rate_pps: o.rate, measures: { fanout: window } };
}

async function direct(worker, argv) {
	const ring = 4096;
	const o = parseOptions(argv, { count: 100_000, size: 512, window: 256, warmup: 10_000 });
	if (o.window < 2 || o.window > ring / 2 || o.count < 1) throw new Error(`need 2 <= --window <= ${ring / 2}, --count >= 1`);
	const router = await worker.createRouter({ mediaCodecs: [opus] });
	const transport = await router.createDirectTransport();
	const measures = {};

	async function measure(emitter, event, send) {
		const f = flow();
		const listener = () => f.onReceived();
		emitter.on(event, listener);
		let total = 0;
		async function run(count) {
			const end = total + count;
			for (; total < end; total++) {
				if (total - f.received >= o.window) await f.until(total - o.window / 2);
				send(total);
			}
			await f.until(end);
		}
		await run(o.warmup);
		const p = probe(worker);
		await run(o.count);
		const window = p.stop(o.count);
		emitter.off(event, listener);
		return window;
	}

	const dataProducer = await transport.produceData();
	const dataConsumer = await transport.consumeData({ dataProducerId: dataProducer.id });
	const messages = Array.from({ length: ring }, () => Buffer.alloc(o.size));
	measures.data = await measure(dataConsumer, 'message', (i) => dataProducer.send(messages[i % ring]));

	const producer = await transport.produce(audioProducer(2222));
	const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
	const packets = Array.from({ length: ring }, () => rtpPacket(o.size, 0, 2222));
	let seq = 0;
	measures.rtp = await measure(consumer, 'rtp', (i) => {
		const packet = packets[i % ring];
		setSequence(packet, seq++);
		producer.send(packet);
	});
	router.close();
	return { ...head('direct', worker), size: o.size, window: o.window, measures };
}

async function close(worker, argv) {
	const o = parseOptions(argv, { consumers: 1000, 'warm-cycles': 3, inflight: 16 });
	const measures = {};
	for (let cycle = 0; cycle < o['warm-cycles'] + 2; cycle++) {
		const farm = await consumerFarm(worker, o.consumers, o.inflight);
		let open = farm.consumers.length;
		let allClosed;
		const closed = new Promise((resolve) => { allClosed = resolve; });
		for (const consumer of farm.consumers) consumer.observer.once('close', () => { if (--open === 0) allClosed(); });
		const p = probe(worker);
		farm.router.close();
		await closed;
		const window = p.stop(farm.consumers.length);
		if (cycle === 0) measures.close_cold = window;
		else if (cycle === o['warm-cycles'] + 1) measures.close_warm = window;
	}
	return { ...head('close', worker), consumers: o.consumers, measures };
}

async function main() {
	const [name, ...argv] = process.argv.slice(2);
	const workload = workloads[name];
	if (!workload) throw new Error(`unknown workload '${name}' (${Object.keys(workloads).join(', ')})`);
	if (!process.env.MEDIASOUP_WORKER_BIN) throw new Error('set MEDIASOUP_WORKER_BIN to the worker binary');
	const worker = await mediasoup.createWorker({ logLevel: 'warn' });
	try {
		process.stdout.write(JSON.stringify(await workload(worker, argv)) + '\n');
	} finally {
		worker.close();
	}
}

main().catch((error) => {
	process.stderr.write(`suite-bench: ${error.stack ?? error}\n`);
	process.exit(error.message?.startsWith('unknown') || error.message?.includes('--') ? 2 : 1);
});
