using System.Reactive.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace RxMediasoup.Tests.Routers;

/// <summary>Port of mediasoup 3.27.1 node/lib/test/test-Router.js, against the real worker.</summary>
public sealed class RouterTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;

    internal static IReadOnlyList<RtpCodecCapability> MediaCodecs =>
    [
        new()
        {
            Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2,
            Parameters = new Dictionary<string, RtpParameterValue> { ["useinbandfec"] = 1, ["foo"] = "bar" },
        },
        new() { Kind = MediaKind.Video, MimeType = "video/VP8", ClockRate = 90000 },
        new()
        {
            Kind = MediaKind.Video, MimeType = "video/H264", ClockRate = 90000,
            Parameters = new Dictionary<string, RtpParameterValue>
            {
                ["level-asymmetry-allowed"] = 1, ["packetization-mode"] = 1, ["profile-level-id"] = "4d0032",
            },
            RtcpFeedback = [], // Will be ignored.
        },
    ];

    private static IReadOnlyList<RtpCodecCapability> UnsupportedMediaCodecs =>
    [
        new() { Kind = MediaKind.Audio, MimeType = "audio/x-aiff", ClockRate = 8000, Channels = 1 },
        new() { Kind = MediaKind.Video, MimeType = "video/3gpp", ClockRate = 90000 },
    ];

    public async Task InitializeAsync() => _worker = await RxMediasoup.Worker.CreateAsync();

    public async Task DisposeAsync() => await _worker.CloseAsync();

    [Fact]
    [NodeCase("test-Router.js", "worker.createRouter() succeeds")]
    public async Task CreateRouterSucceeds()
    {
        var changes = new List<IEntityChangeSet<RxMediasoup.Router, string>>();
        using var subscription = _worker.Routers.Connect().Subscribe(changes.Add);
        var router = await _worker.CreateRouterAsync(new RouterOptions
        {
            MediaCodecs = MediaCodecs,
            AppData = new Dictionary<string, object?> { ["foo"] = 123 },
        });
        // The snapshot (empty), then the new router.
        Assert.Equal(2, changes.Count);
        Assert.Empty(changes[0]);
        Assert.Equal(EntityChangeReason.Add, Assert.Single(changes[1]).Reason);
        Assert.Same(router, changes[1][0].Current);

        Assert.True(Guid.TryParse(router.Id, out _));
        Assert.False(router.IsClosed);
        // 3 codecs + 2 RTX codecs.
        Assert.Equal(5, router.RtpCapabilities.Codecs.Count);
        Assert.NotEmpty(router.RtpCapabilities.HeaderExtensions);
        Assert.Equal(new Dictionary<string, object?> { ["foo"] = 123 }, router.AppData);
        router.AppData = new Dictionary<string, object?> { ["foo"] = 222, ["bar"] = "BBB" };

        var workerDump = await _worker.DumpAsync();
        Assert.Equal(TestWorkerMode.DumpPid(_worker), workerDump.Pid);
        Assert.Empty(workerDump.WebRtcServerIds);
        Assert.Equal([router.Id], workerDump.RouterIds);
        Assert.Equal([router.Id], workerDump.ChannelMessageHandlers.ChannelRequestHandlers);
        Assert.Empty(workerDump.ChannelMessageHandlers.ChannelNotificationHandlers);

        var dump = await router.DumpAsync();
        Assert.Equal(router.Id, dump.Id);
        Assert.Empty(dump.TransportIds);
        Assert.Empty(dump.RtpObserverIds);
        Assert.Empty(dump.MapProducerIdConsumerIds);
        Assert.Empty(dump.MapConsumerIdProducerId);
        Assert.Empty(dump.MapProducerIdObserverIds);
        Assert.Empty(dump.MapDataProducerIdDataConsumerIds);
        Assert.Empty(dump.MapDataConsumerIdDataProducerId);

        Assert.Equal(1, _worker.Routers.Count);
        await _worker.CloseAsync();
        Assert.True(router.IsClosed);
        Assert.Equal(0, _worker.Routers.Count);
    }

    [Fact]
    [NodeCase("test-Router.js", "worker.createRouter() with invalid codecs rejects with UnsupportedError")]
    public async Task CreateRouterWithInvalidCodecsRejectsWithUnsupported()
    {
        await Assert.ThrowsAsync<UnsupportedException>(() =>
            _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = UnsupportedMediaCodecs }));
        Assert.Empty((await _worker.DumpAsync()).RouterIds);
    }

    [Fact]
    [NodeCase("test-Router.js", "worker.createRouter() with wrong arguments rejects with TypeError")]
    public async Task CreateRouterWithWrongArgumentsRejectsWithArgumentException()
    {
        // `mediaCodecs: {}` and `appData: 'NOT-AN-OBJECT'` cannot be written in C#; a null list can.
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = null! }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _worker.CreateRouterAsync(new RouterOptions
        {
            MediaCodecs = [new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "opus-without-slash", ClockRate = 48000 }],
        }));
        Assert.Empty((await _worker.DumpAsync()).RouterIds);
    }

    [Fact]
    [NodeCase("test-Router.js", "worker.createRouter() rejects with WorkerClosedError if Worker is closed")]
    public async Task CreateRouterRejectsWithWorkerClosedIfWorkerIsClosed()
    {
        await _worker.CloseAsync();
        await Assert.ThrowsAsync<WorkerClosedException>(() => _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs }));
    }

    [Fact]
    [NodeCase("test-Router.js", "router.rtpCapabilities getter returns cloned RTP capabilities")]
    public async Task RtpCapabilitiesCannotBeModifiedByTheApplication()
    {
        // Node clones on every get so that a caller mutating the result cannot change the router. Here the result
        // is shared, so the property is that nothing reachable from it can be mutated: not the records (init-only
        // setters), not their lists and dictionaries (even cast to a mutable collection interface), and not the
        // collections the application passed in RouterOptions (the router must have copied them).
        var mediaCodecs = MediaCodecs.ToList();
        var opusParameters = new Dictionary<string, RtpParameterValue>(mediaCodecs[0].Parameters);
        mediaCodecs[0] = mediaCodecs[0] with { Parameters = opusParameters };
        var router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = mediaCodecs });
        string before = JsonSerializer.Serialize(router.RtpCapabilities, MediasoupJson.Options);

        var mutated = new List<string>();
        MutateEverythingReachable(router.RtpCapabilities, "rtpCapabilities", mutated);
        opusParameters["useinbandfec"] = 0;
        opusParameters["injected"] = "yes";
        mediaCodecs.Clear();

        // The walk did reach every collection (so the assertion below is not vacuous).
        Assert.Contains("rtpCapabilities.Codecs", mutated);
        Assert.Contains("rtpCapabilities.HeaderExtensions", mutated);
        Assert.Contains("rtpCapabilities.Codecs[0].Parameters", mutated);
        Assert.Contains("rtpCapabilities.Codecs[0].RtcpFeedback", mutated);
        Assert.Equal(before, JsonSerializer.Serialize(router.RtpCapabilities, MediasoupJson.Options));
    }

    /// <summary>
    /// Tries to change <paramref name="value"/> and everything reachable from it: clears every collection through
    /// each mutable interface it implements (a NotSupportedException is the read-only answer) and asserts that every
    /// settable property of a model record is init-only. Records the path of each collection it tried.
    /// </summary>
    private static void MutateEverythingReachable(object value, string path, List<string> mutated)
    {
        var type = value.GetType();
        if (value is string || type.IsPrimitive || type.IsEnum || type.IsValueType) return;
        if (value is System.Collections.IEnumerable enumerable)
        {
            var items = enumerable.Cast<object?>().ToList();
            mutated.Add(path);
            TryMutate(value);
            for (int i = 0; i < items.Count; i++)
                if (items[i] is { } item) MutateEverythingReachable(item, $"{path}[{i}]", mutated);
            return;
        }
        if (type.Namespace != typeof(RtpCapabilities).Namespace) return;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0) continue;
            if (property.SetMethod is { } setter)
                Assert.True(setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)),
                    $"{type.Name}.{property.Name} has a public setter that is not init-only");
            if (property.GetValue(value) is { } child) MutateEverythingReachable(child, $"{path}.{property.Name}", mutated);
        }
    }

    private static void TryMutate(object collection)
    {
        void Attempt(Action action)
        {
            try { action(); }
            catch (NotSupportedException) { }
            catch (TargetInvocationException e) when (e.InnerException is NotSupportedException) { }
        }

        if (collection is System.Collections.IList list) Attempt(list.Clear);
        if (collection is System.Collections.IDictionary dictionary) Attempt(dictionary.Clear);
        foreach (var @interface in collection.GetType().GetInterfaces()
                     .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollection<>)))
            Attempt(() => @interface.GetMethod(nameof(ICollection<int>.Clear))!.Invoke(collection, null));
    }

    [Fact]
    [NodeCase("test-Router.js", "router.updateMediaCodecs() succeeds")]
    public async Task UpdateMediaCodecsSucceeds()
    {
        var router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        Assert.Equal(5, router.RtpCapabilities.Codecs.Count);
        Assert.NotEmpty(router.RtpCapabilities.HeaderExtensions);
        router.UpdateMediaCodecs([]);
        Assert.Empty(router.RtpCapabilities.Codecs);
        Assert.NotEmpty(router.RtpCapabilities.HeaderExtensions);
    }

    [Fact]
    [NodeCase("test-Router.js", "router.close() succeeds")]
    public async Task CloseSucceeds()
    {
        var router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        var reasons = new List<CloseReason>();
        using var _ = router.Closed.Subscribe(reasons.Add);
        await router.CloseAsync();
        Assert.Equal([CloseReason.Explicit], reasons);
        Assert.True(router.IsClosed);
        await Assert.ThrowsAsync<NotFoundException>(() => router.DumpAsync());
        Assert.Empty((await _worker.DumpAsync()).RouterIds);
        Assert.Equal(0, _worker.Routers.Count);
        await router.CloseAsync(); // idempotent
        Assert.Equal([CloseReason.Explicit], reasons);
    }

    [Fact]
    [NodeCase("test-Router.js", "Router emits \"workerclose\" if Worker is closed")]
    public async Task RouterClosesWithWorkerClosedIfWorkerIsClosed()
    {
        var router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        var closed = router.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        await _worker.CloseAsync();
        Assert.Equal(CloseReason.WorkerClosed, await closed);
        Assert.True(router.IsClosed);
        await Assert.ThrowsAsync<WorkerClosedException>(() => router.DumpAsync());
    }

    [Fact]
    public async Task RoutersCloseWithWorkerDiedWhenTheWorkerDies()
    {
        var router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        var routersCompleted = _worker.Routers.Connect().LastAsync().FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        var closed = router.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        TestWorkerMode.Kill(_worker);
        Assert.Equal(CloseReason.WorkerDied, await closed);
        await routersCompleted;
        Assert.Equal(0, _worker.Routers.Count);
        await Assert.ThrowsAsync<WorkerClosedException>(() => router.DumpAsync());
    }

    [Fact]
    [Trait("WorkerMode", TestWorkerMode.SubprocessOnly)]
    public async Task CancellingACreateAfterItWasSentLeavesNoRouterInTheWorker()
    {
        Processes.Signal(_worker.Pid, 19 /* SIGSTOP: the request is sent, the answer cannot come yet */);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        try
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs }, cts.Token));
        }
        finally
        {
            Processes.Signal(_worker.Pid, 18 /* SIGCONT */);
        }
        // The worker created the router after all; the library closed it.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        WorkerDump dump;
        do dump = await _worker.DumpAsync();
        while (dump.RouterIds.Count > 0 && DateTime.UtcNow < deadline);
        Assert.Empty(dump.RouterIds);
        Assert.Equal(0, _worker.Routers.Count);
    }
}
