using System.Globalization;
using RxMediasoup.Tests.Transports;
using static RxMediasoup.Tests.Media.MediaTestData;

namespace RxMediasoup.Testing.Tests;

/// <summary>
/// The entities of mediasoup's test-Consumer.js on any worker: a router, two WebRTC transports, an audio and a
/// simulcast video producer on the first, their consumers on the second. <see cref="Settle{T}"/> is how a command
/// gets its answer (a real worker: awaited; a simulated one: a scheduler tick, see <see cref="SimulatedRoom"/>).
/// </summary>
internal class RoomScenario
{
    public Worker Worker { get; private set; } = null!;
    public Router Router { get; private set; } = null!;
    public WebRtcTransport Transport1 { get; private set; } = null!;
    public WebRtcTransport Transport2 { get; private set; } = null!;
    public Producer AudioProducer { get; private set; } = null!;
    public Producer VideoProducer { get; private set; } = null!;
    public Consumer AudioConsumer { get; private set; } = null!;
    public Consumer VideoConsumer { get; private set; } = null!;

    protected virtual Task<T> Settle<T>(Task<T> command) => command;

    public async Task BuildAsync(Worker worker)
    {
        Worker = worker;
        Router = await Settle(worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ConsumerMediaCodecs }));
        Transport1 = await Settle(Router.CreateWebRtcTransportAsync(WebRtcOptions));
        Transport2 = await Settle(Router.CreateWebRtcTransportAsync(WebRtcOptions));
        AudioProducer = await Settle(Transport1.ProduceAsync(ConsumerAudioProducerOptions));
        VideoProducer = await Settle(Transport1.ProduceAsync(ConsumerVideoProducerOptions));
        AudioConsumer = await Settle(Transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = AudioProducer.Id, RtpCapabilities = ConsumerDeviceCapabilities,
        }));
        VideoConsumer = await Settle(Transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = VideoProducer.Id, RtpCapabilities = ConsumerDeviceCapabilities,
            PreferredLayers = new ConsumerLayers { SpatialLayer = 12, TemporalLayer = 0 },
        }));
    }

    /// <summary>Every id, port and ICE secret the code could see: equal for equal seeds.</summary>
    public IReadOnlyList<string> Fingerprint() =>
    [
        Worker.Pid.ToString(CultureInfo.InvariantCulture), Router.Id, Transport1.Id, Transport2.Id,
        AudioProducer.Id, VideoProducer.Id, AudioConsumer.Id, VideoConsumer.Id,
        Transport1.IceParameters.UsernameFragment, Transport1.IceParameters.Password,
        .. Transport2.IceCandidates.Select(c => $"{c.Address}:{c.Port}"),
        .. Transport2.DtlsParameters.Fingerprints.Select(f => f.Value),
        .. AudioConsumer.RtpParameters.Encodings.Select(e => e.Ssrc?.ToString(CultureInfo.InvariantCulture) ?? ""),
    ];

    /// <summary>
    /// What the worker computed for these entities, with what differs between any two runs left out (ids, ports,
    /// ICE secrets, fingerprint values, SSRCs): equal on a real and a simulated worker.
    /// </summary>
    public async Task<IReadOnlyList<string>> ObservationsAsync()
    {
        var routerDump = await Settle(Router.DumpAsync());
        var stats = await Settle(Transport1.GetStatsAsync());
        var producerDumps = new List<ProducerDump>();
        foreach (var producer in new[] { AudioProducer, VideoProducer }.Where(p => !p.IsClosed)) producerDumps.Add(await Settle(producer.DumpAsync()));
        var consumerDumps = new List<ConsumerDump>();
        foreach (var consumer in new[] { AudioConsumer, VideoConsumer }.Where(c => !c.IsClosed)) consumerDumps.Add(await Settle(consumer.DumpAsync()));
        var dump1 = await Settle(Transport1.DumpAsync());
        var dump2 = await Settle(Transport2.DumpAsync());
        string Name(string id) => id == AudioProducer.Id ? "audioProducer" : id == VideoProducer.Id ? "videoProducer"
            : id == AudioConsumer.Id ? "audioConsumer" : id == VideoConsumer.Id ? "videoConsumer" : "?";
        return
        [
            $"producer types: {AudioProducer.Type} {VideoProducer.Type}",
            $"consumer types: {AudioConsumer.Type} {VideoConsumer.Type}",
            $"scores: {Score(AudioConsumer)} | {Score(VideoConsumer)}",
            $"preferred layers: {Layers(AudioConsumer.PreferredLayers.Current())} {Layers(VideoConsumer.PreferredLayers.Current())}",
            $"paused: {AudioConsumer.Paused.Current()} {AudioConsumer.ProducerPaused.Current()} {VideoConsumer.Paused.Current()} {VideoConsumer.ProducerPaused.Current()}",
            $"priority: {AudioConsumer.Priority.Value} {VideoConsumer.Priority.Value}",
            $"ice: {Transport1.IceRole} lite={Transport1.IceParameters.IceLite} {Transport1.IceState.Current()}",
            $"candidates: {string.Join(",", Transport1.IceCandidates.Select(c => $"{c.Foundation}/{c.Priority}/{c.Protocol}/{c.Type}/{c.TcpType}/{c.Address}"))}",
            $"transport stats: {stats with { TransportId = "", Timestamp = 0 }}",
            $"dtls: {Transport1.DtlsParameters.Role} {Transport1.DtlsState.Current()} {string.Join(",", Transport1.DtlsParameters.Fingerprints.Select(f => f.Algorithm))}",
            $"router maps: {string.Join(" ", routerDump.MapProducerIdConsumerIds.OrderBy(e => Name(e.Key)).Select(e => $"{Name(e.Key)}->{string.Join("+", e.Value.Select(Name))}"))}",
            $"transport1: producers={dump1.ProducerIds.Count} mids={string.Join(",", dump1.RtpListener.MidTable.Keys.Order())} ssrcs={dump1.RtpListener.SsrcTable.Count}",
            $"transport2: consumers={dump2.ConsumerIds.Count} ssrcMap={dump2.MapSsrcConsumerId.Count} rtxMap={dump2.MapRtxSsrcConsumerId.Count}",
            $"recv header extensions: {dump1.RecvRtpHeaderExtensions}",
            .. producerDumps.Select(d =>
                $"producer dump: {d.Kind} {d.Type} paused={d.Paused} streams={d.RtpStreams.Count} codecs={d.RtpParameters.Codecs.Count} " +
                $"encodings={d.RtpParameters.Encodings.Count} mapping={d.RtpMapping.Codecs.Count}/{d.RtpMapping.Encodings.Count} traces={d.TraceEventTypes.Count}"),
            .. consumerDumps.Select(d =>
                $"consumer dump: {d.Kind} {d.Type} paused={d.Paused}/{d.ProducerPaused} priority={d.Priority} streams={string.Join(",", d.RtpStreams.Select(Stream))} " +
                $"consumable={d.ConsumableRtpEncodings.Count} payloadTypes={string.Join(",", d.SupportedCodecPayloadTypes)} " +
                $"layers={d.PreferredSpatialLayer}.{d.PreferredTemporalLayer}/{d.TargetSpatialLayer}.{d.TargetTemporalLayer}/{d.CurrentSpatialLayer}.{d.CurrentTemporalLayer}"),
        ];
    }

    private static string Stream(RtpStreamDump s)
    {
        var p = s.Params;
        return $"{p.EncodingIdx}:{p.MimeType}/{p.PayloadType}/{p.ClockRate} nack={p.UseNack} pli={p.UsePli} fir={p.UseFir} " +
               $"fec={p.UseInBandFec} dtx={p.UseDtx} {p.SpatialLayers}x{p.TemporalLayers} rtx={p.RtxPayloadType}/{s.RtxStream?.MimeType}";
    }

    private static string Score(Consumer consumer)
    {
        var s = consumer.Score.Current();
        return $"{s.Score}/{s.ProducerScore}/[{string.Join(",", s.ProducerScores)}]";
    }

    private static string Layers(ConsumerLayers? layers) => layers is null ? "none" : $"{layers.SpatialLayer}.{layers.TemporalLayer}";
}
