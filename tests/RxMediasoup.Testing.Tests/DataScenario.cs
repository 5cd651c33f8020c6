using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Reactive.Testing;
using RxMediasoup.Tests.Transports;

namespace RxMediasoup.Testing.Tests;

/// <summary>
/// Data producers and consumers, SCTP and direct, run the same way on a real worker and on the simulation: each step
/// is recorded as a line (dumps and stats as JSON, rejections as type/code/message) with ids replaced by names and
/// timestamps zeroed, so <see cref="DifferentialTests"/> compares them line by line.
/// </summary>
internal sealed partial class DataScenario(Worker worker, TestScheduler? scheduler)
{
    private static readonly WebRtcTransportOptions SctpOptions = new()
    {
        ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }],
        EnableSctp = true,
    };

    private readonly List<string> _lines = [];
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<string>> RunAsync()
    {
        var router = await Settle(worker.CreateRouterAsync());
        _names[router.Id] = "router";
        var sctp1 = Name(await Settle(router.CreateWebRtcTransportAsync(SctpOptions)), "sctp1");
        var sctp2 = Name(await Settle(router.CreateWebRtcTransportAsync(SctpOptions)), "sctp2");
        var direct = Name(await Settle(router.CreateDirectTransportAsync()), "direct");
        var plain = Name(await Settle(router.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" },
        })), "plain");
        Record("sctp parameters", sctp1.SctpParameters, sctp1.SctpState.Current(), sctp1.SctpNegotiatedCapabilities.Current());

        var sctpProducer = await Settle(sctp1.ProduceDataAsync(new DataProducerOptions
        {
            SctpStreamParameters = new SctpStreamParameters { StreamId = 12345, Ordered = false, MaxPacketLifeTime = 5000 },
            Label = "foo",
            Protocol = "bar",
        }));
        _names[sctpProducer.Id] = "sctpProducer";
        var directProducer = await Settle(direct.ProduceDataAsync(new DataProducerOptions { Label = "d", Paused = true }));
        _names[directProducer.Id] = "directProducer";
        Record("producers", sctpProducer.Type, sctpProducer.SctpStreamParameters, directProducer.Type, directProducer.Paused.Current());
        Record("sctp producer dump", await Settle(sctpProducer.DumpAsync()));
        Record("direct producer stats", await Settle(directProducer.GetStatsAsync()));

        var sctpConsumer = await Settle(sctp2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = sctpProducer.Id }));
        _names[sctpConsumer.Id] = "sctpConsumer";
        var directConsumer = await Settle(direct.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = sctpProducer.Id, Subchannels = [5, 1] }));
        _names[directConsumer.Id] = "directConsumer";
        var ofPaused = await Settle(sctp2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = directProducer.Id }));
        _names[ofPaused.Id] = "ofPaused";
        Record("consumers", sctpConsumer.Type, sctpConsumer.SctpStreamParameters, directConsumer.Type, ofPaused.DataProducerPaused.Current());
        Record("sctp consumer dump", await Settle(sctpConsumer.DumpAsync()));
        Record("direct consumer dump", await Settle(directConsumer.DumpAsync()));
        Record("consumer stats", await Settle(sctpConsumer.GetStatsAsync()));

        await Settle(sctpProducer.PauseAsync());
        await WaitAsync(() => sctpConsumer.DataProducerPaused.Current() && directConsumer.DataProducerPaused.Current());
        await Settle(directProducer.ResumeAsync());
        await WaitAsync(() => !ofPaused.DataProducerPaused.Current());
        await Settle(sctpConsumer.PauseAsync());
        await Settle(directConsumer.AddSubchannelAsync(3));
        await Settle(directConsumer.RemoveSubchannelAsync(5));
        await Settle(sctpConsumer.SetSubchannelsAsync([9, 2, 9]));
        await Settle(sctpConsumer.SetBufferedAmountLowThresholdAsync(777));
        Record("buffered amount", await Settle(sctpConsumer.GetBufferedAmountAsync()));
        Record("paused dumps", await Settle(sctpConsumer.DumpAsync()), await Settle(directConsumer.DumpAsync()), await Settle(ofPaused.DumpAsync()));
        Record("transport dumps", DataPart(await Settle(sctp1.DumpAsync())), DataPart(await Settle(sctp2.DumpAsync())),
            DataPart(await Settle(direct.DumpAsync())), DataPart(await Settle(plain.DumpAsync())));
        Record("router dump", RouterPart(await Settle(router.DumpAsync())));

        // The worker's validation errors.
        await RejectAsync("direct on sctp", () => sctp1.ProduceDataAsync());
        await RejectAsync("sctp not enabled", () => plain.ProduceDataAsync(new DataProducerOptions
        {
            SctpStreamParameters = new SctpStreamParameters { StreamId = 1 },
        }));
        await RejectAsync("same stream id", () => sctp1.ProduceDataAsync(new DataProducerOptions
        {
            SctpStreamParameters = new SctpStreamParameters { StreamId = 12345 },
        }));
        await RejectAsync("unknown data producer", () => sctp2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = "3c0bb13c-0000-4000-8000-000000000000" }));
        await RejectAsync("send on direct", () => directConsumer.SendAsync("hi"));
        await RejectAsync("send on sctp, not connected", () => sctpConsumer.SendAsync("hi"));
        await RejectAsync("buffered amount of direct", () => directConsumer.GetBufferedAmountAsync());

        // The producer's close reaches its consumers (dataproducerclose) and the transports forget them.
        await Settle(sctpProducer.CloseAsync());
        await WaitAsync(() => sctpConsumer.IsClosed && directConsumer.IsClosed);
        Record("after close", DataPart(await Settle(direct.DumpAsync())), RouterPart(await Settle(router.DumpAsync())));
        return _lines;
    }

    /// <summary>What a transport dump says about data (the rest holds ports and ICE/DTLS secrets, compared elsewhere).</summary>
    private static object DataPart(TransportDump d) => new
    {
        d.DataProducerIds, d.DataConsumerIds, d.MaxSendMessageSize, d.MaxReceiveMessageSize, d.SctpParameters, d.SctpState,
        d.SctpNegotiatedCapabilities, d.SctpListener,
    };

    /// <summary>A router dump's maps sorted by name: the worker lists them in its hash maps' order.</summary>
    private string RouterPart(RouterDump d)
    {
        string N(string id) => _names.GetValueOrDefault(id, id);
        IEnumerable<string> Map(IReadOnlyDictionary<string, IReadOnlyList<string>> map)
            => map.Select(e => $"{N(e.Key)}->[{string.Join(",", e.Value.Select(N).Order(StringComparer.Ordinal))}]").Order(StringComparer.Ordinal);
        return string.Join(" ", [N(d.Id), .. d.TransportIds.Select(N).Order(StringComparer.Ordinal), .. Map(d.MapDataProducerIdDataConsumerIds),
            .. d.MapDataConsumerIdDataProducerId.Select(e => $"{N(e.Key)}->{N(e.Value)}").Order(StringComparer.Ordinal)]);
    }

    private T Name<T>(T transport, string name) where T : Transport
    {
        _names[transport.Id] = name;
        return transport;
    }

    private async Task<T> Settle<T>(Task<T> command)
    {
        scheduler?.AdvanceBy(1);
        return await command;
    }

    private async Task Settle(Task command)
    {
        scheduler?.AdvanceBy(1);
        await command;
    }

    private async Task RejectAsync(string what, Func<Task> command)
    {
        try
        {
            await Settle(command());
            _lines.Add($"{what}: ok");
        }
        catch (Exception e) when (e is MediasoupException or ArgumentException or InvalidOperationException)
        {
            _lines.Add($"{what}: {Normalise($"{e.GetType().Name} {(e as MediasoupException)?.Code}: {e.Message}")}");
        }
    }

    private void Record(string what, params object?[] values)
        => _lines.Add($"{what}: {Normalise(string.Join(" | ", values.Select(v => v is null or Enum or bool or long ? $"{v}" : JsonSerializer.Serialize(v, v.GetType()))))}");

    private string Normalise(string text)
    {
        foreach (var (id, name) in _names) text = text.Replace(id, name, StringComparison.Ordinal);
        return Timestamp().Replace(text, "\"Timestamp\":0");
    }

    /// <summary>On the simulation the notification has arrived within the tick; a real worker's crosses a socket.</summary>
    private async Task WaitAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(5); // far beyond a notification's trip from a local worker
        while (!condition() && scheduler is null && DateTime.UtcNow < until) await Task.Delay(10);
        Assert.True(condition());
    }

    [GeneratedRegex("\"Timestamp\":[0-9]+")]
    private static partial Regex Timestamp();
}
