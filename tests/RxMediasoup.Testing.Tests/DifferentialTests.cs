using RxMediasoup.Tests.Transports;
using static RxMediasoup.Tests.Media.MediaTestData;

namespace RxMediasoup.Testing.Tests;

/// <summary>
/// The simulation checked against mediasoup-worker itself (the cached build): the same scenario on both, and what the
/// worker computed compared after normalising what differs between any two runs (ids, ports, ICE secrets, SSRCs).
/// A first step toward issue 12 §4's differential test over every request.
/// </summary>
[Collection(ThreadCountingCollection.Name)]
public sealed class DifferentialTests
{
    private static readonly DtlsParameters RemoteDtlsParameters = new()
    {
        Role = DtlsRole.Client,
        Fingerprints = [new DtlsFingerprint { Algorithm = FingerprintAlgorithm.Sha256, Value = "82:5A:68:3D:36:C3:0A:DE" }],
    };

    [Fact]
    public async Task TheSimulationComputesWhatTheWorkerComputes()
    {
        var simulated = SimulatedRoom.Create();
        var real = new RoomScenario();
        var worker = await Worker.CreateAsync();
        try
        {
            await real.BuildAsync(worker);
            await AssertSameAsync(real, simulated);

            // The producer's pause reaches the consumer as the worker's notification (on a real worker, a moment later).
            await real.VideoProducer.PauseAsync();
            await WaitAsync(() => real.VideoConsumer.ProducerPaused.Current());
            simulated.Answer(simulated.VideoProducer.PauseAsync());
            await AssertSameAsync(real, simulated);

            // The consumer's own pause, then its close.
            await real.VideoConsumer.PauseAsync();
            simulated.Answer(simulated.VideoConsumer.PauseAsync());
            await real.AudioConsumer.CloseAsync();
            simulated.Answer(simulated.AudioConsumer.CloseAsync());
            await AssertSameAsync(real, simulated);

            // A plain transport (RTCP not multiplexed): its dump and stats but the ports.
            Assert.Equal(await PlainAsync(real.Router, null), await PlainAsync(simulated.Router, simulated));

            // Rejections: same exception type, code and message.
            Assert.Equal(await RejectionAsync(real, null), await RejectionAsync(simulated, simulated));
        }
        finally
        {
            await worker.CloseAsync();
        }
        Assert.True(worker.IsSubprocessClosed);
        Assert.False(IsAlive(worker.Pid), $"mediasoup-worker {worker.Pid} is still running");
    }

    [Fact]
    public Task DataProducersAndConsumersBehaveAsOnTheWorker()
        => CompareAsync((worker, scheduler) => new DataScenario(worker, scheduler).RunAsync(), minimumLines: 20);

    [Fact]
    public Task DirectDataMessagesAreForwardedAsOnTheWorker()
        => CompareAsync((worker, scheduler) => new DirectMessageScenario(worker, scheduler).RunAsync(), minimumLines: 4);

    [Fact]
    public Task RtpObserversBehaveAsOnTheWorker()
        => CompareAsync((worker, scheduler) => new ObserverScenario(worker, scheduler).RunAsync(), minimumLines: 9);

    [Fact]
    public Task WebRtcServersBehaveAsOnTheWorker()
        => CompareAsync((worker, scheduler) => new WebRtcServerScenario(worker, scheduler).RunAsync(), minimumLines: 5);

    [Fact]
    public Task PlainTransportsConnectAsOnTheWorker()
        => CompareAsync((worker, scheduler) => new PlainScenario(worker, scheduler).RunAsync(), minimumLines: 14);

    [Fact]
    public Task PipeToRouterBehavesAsOnTheWorker()
        => CompareAsync((worker, scheduler) => new PipeScenario(worker, scheduler).RunAsync(), minimumLines: 8);

    /// <summary>Runs a recorded scenario on the cached mediasoup-worker, then on the simulation; compares line by line.</summary>
    private static async Task CompareAsync(Func<Worker, Microsoft.Reactive.Testing.TestScheduler?, Task<IReadOnlyList<string>>> scenario, int minimumLines)
    {
        var worker = await Worker.CreateAsync();
        IReadOnlyList<string> expected;
        try
        {
            expected = await scenario(worker, null);
        }
        finally
        {
            await worker.CloseAsync();
        }
        Assert.False(IsAlive(worker.Pid), $"mediasoup-worker {worker.Pid} is still running");
        Assert.True(expected.Count >= minimumLines, string.Join("\n", expected)); // the scenario ran to its end
        var scheduler = new Microsoft.Reactive.Testing.TestScheduler();
        var actual = await scenario(await SimulatedWorker.CreateAsync(scheduler), scheduler);
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (real, simulation) in expected.Zip(actual)) Assert.Equal(real, simulation);
    }

    private static async Task<string> PlainAsync(Router router, SimulatedRoom? simulated)
    {
        async Task<T> Settle<T>(Task<T> command)
        {
            if (simulated is not null) simulated.Scheduler.AdvanceBy(1);
            return await command;
        }
        var plain = await Settle(router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = TransportTestHelpers.Udp(), RtcpMux = false }));
        var dump = await Settle(plain.DumpAsync());
        var stats = Assert.IsType<PlainTransportStats>(await Settle(plain.GetStatsAsync()));
        static string Tuple(TransportTuple? t) => t is null ? "none" : $"{t.LocalAddress} {t.Protocol} {t.RemoteIp}:{t.RemotePort}";
        return $"{plain.RtcpMux} {Tuple(plain.Tuple.Current())} {Tuple(plain.RtcpTuple.Current())} {dump.ProducerIds.Count} " +
               $"{stats with { TransportId = "", Timestamp = 0, Tuple = null!, RtcpTuple = null }}";
    }

    /// <summary>Line by line, so a difference names what differs.</summary>
    private static async Task AssertSameAsync(RoomScenario real, RoomScenario simulated)
    {
        var expected = await real.ObservationsAsync();
        var actual = await simulated.ObservationsAsync();
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (worker, simulation) in expected.Zip(actual)) Assert.Equal(worker, simulation);
    }

    private static async Task<string> RejectionAsync(RoomScenario room, SimulatedRoom? simulated)
    {
        var messages = new List<string>();
        foreach (var command in new Func<Task>[]
        {
            () => room.Transport1.ConnectAsync(RemoteDtlsParameters),
            () => room.Transport1.ConnectAsync(RemoteDtlsParameters),
            () => room.Transport1.ProduceAsync(ConsumerAudioProducerOptions),
        })
        {
            var task = command();
            if (simulated is not null) simulated.Scheduler.AdvanceBy(1);
            try
            {
                await task;
                messages.Add("ok");
            }
            catch (MediasoupException e)
            {
                messages.Add($"{e.GetType().Name} {e.Code}: {e.Message}");
            }
        }
        return string.Join(" | ", messages);
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        // A real worker's notification crosses a socket and a thread: 5 s is far beyond what it takes.
        var until = DateTime.UtcNow.AddSeconds(5);
        while (!condition() && DateTime.UtcNow < until) await Task.Delay(10);
        Assert.True(condition());
    }

    internal static bool IsAlive(int pid)
    {
        string stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try
        {
            string text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..].FirstOrDefault() != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
