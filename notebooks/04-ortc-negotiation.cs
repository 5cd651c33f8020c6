#:project ../src/RxMediasoup/RxMediasoup.csproj
#:project NotebookKit/NotebookKit.csproj
#:property PublishAot=false
#:property ImplicitUsings=disable

// %% [markdown]
// # ORTC negotiation: VP8, VP9, H264 and AV1
//
// mediasoup negotiates with ORTC objects, not SDP: the router's `RtpCapabilities` (what it can route), a producer's
// `RtpParameters` (what a sender sends), a receiver's `RtpCapabilities` (what it can decode), and the consumer's
// `RtpParameters` the router computes from those. This notebook builds a router with the four video codecs browsers
// use, asks `CanConsume` for several receivers, and shows the consumer parameters that come out.

// %%
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using RxMediasoup;

var worker = await Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.Warn });
RtpCodecCapability Video(string mime, Dictionary<string, RtpParameterValue>? parameters = null) =>
    new() { Kind = MediaKind.Video, MimeType = mime, ClockRate = 90000, Parameters = parameters ?? new() };
var router = await worker.CreateRouterAsync(new RouterOptions
{
    MediaCodecs =
    [
        new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2 },
        Video("video/VP8"),
        Video("video/VP9", new() { ["profile-id"] = 0 }),
        Video("video/VP9", new() { ["profile-id"] = 2 }),
        Video("video/H264", new() { ["packetization-mode"] = 1, ["profile-level-id"] = "42e01f", ["level-asymmetry-allowed"] = 1 }),
        Video("video/H264", new() { ["packetization-mode"] = 1, ["profile-level-id"] = "4d0032", ["level-asymmetry-allowed"] = 1 }),
        Video("video/AV1"),
    ],
});
string Params(IReadOnlyDictionary<string, RtpParameterValue> p) => string.Join(";", p.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"));
foreach (var c in router.RtpCapabilities.Codecs)
    Console.WriteLine($"{c.MimeType,-11} pt {c.PreferredPayloadType,3}  {Params(c.Parameters)}  fb: {string.Join(",", c.RtcpFeedback.Select(f => (f.Type + " " + f.Parameter).Trim()))}");

// %% [markdown]
// Every video codec got an RTX codec (`apt` = the payload type it repairs), payload types from the dynamic range,
// and the RTCP feedback mediasoup supports (NACK, PLI, FIR, REMB, transport-cc).
//
// ## Producers
//
// Four senders on a PlainTransport (no media is needed to negotiate): VP8, VP9 profile 2, H264 baseline
// (`42e01f`) and AV1. A producer's parameters must match a router codec: mime type, clock rate and, for H264 and
// VP9, the profile.

// %%
var transport = await router.CreatePlainTransportAsync(new PlainTransportOptions
{
    ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" },
    Comedia = true,
});
async Task<Producer> Produce(string mime, int pt, uint ssrc, Dictionary<string, RtpParameterValue>? parameters = null) =>
    await transport.ProduceAsync(new ProducerOptions
    {
        Kind = MediaKind.Video,
        AppData = new Dictionary<string, object?> { ["label"] = mime + (parameters is null ? "" : " " + Params(parameters)) },
        RtpParameters = new RtpParameters
        {
            Codecs = [new RtpCodecParameters
            {
                MimeType = mime, PayloadType = pt, ClockRate = 90000, Parameters = parameters ?? new(),
                RtcpFeedback = [new RtcpFeedback("nack"), new RtcpFeedback("nack", "pli"), new RtcpFeedback("ccm", "fir")],
            }],
            Encodings = [new RtpEncodingParameters { Ssrc = ssrc }],
        },
    });
var producers = new List<Producer>
{
    await Produce("video/VP8", 96, 1001),
    await Produce("video/VP9", 98, 1002, new() { ["profile-id"] = 2 }),
    await Produce("video/H264", 102, 1003, new() { ["packetization-mode"] = 1, ["profile-level-id"] = "42e01f" }),
    await Produce("video/AV1", 45, 1004),
};
try
{
    await Produce("video/H264", 104, 1005, new() { ["packetization-mode"] = 1, ["profile-level-id"] = "640032" });
    throw new Exception("a High-profile H264 producer should not match this router");
}
catch (MediasoupException e)
{
    Console.WriteLine($"H264 High (640032) is refused: {e.GetType().Name}: {e.Message}");
}
foreach (var p in producers) Console.WriteLine($"producer {p.AppData["label"]}: {p.Type}");

// %% [markdown]
// ## Who can consume what
//
// A receiver says what it decodes with its own `RtpCapabilities` (a browser's come from mediasoup-client's
// `device.rtpCapabilities`). `router.CanConsume(producerId, caps)` answers without creating anything.

// %%
RtpCodecCapability Cap(string mime, int pt, Dictionary<string, RtpParameterValue>? parameters = null) =>
    new() { Kind = MediaKind.Video, MimeType = mime, ClockRate = 90000, PreferredPayloadType = pt, Parameters = parameters ?? new(),
            RtcpFeedback = [new RtcpFeedback("nack"), new RtcpFeedback("nack", "pli")] };
RtpCodecCapability Rtx(int pt, int apt) =>
    new() { Kind = MediaKind.Video, MimeType = "video/rtx", ClockRate = 90000, PreferredPayloadType = pt, Parameters = new Dictionary<string, RtpParameterValue> { ["apt"] = apt } };
var receivers = new Dictionary<string, RtpCapabilities>
{
    ["VP8 only"] = new() { Codecs = [Cap("video/VP8", 100), Rtx(101, 100)] },
    ["VP9 profile 0 only"] = new() { Codecs = [Cap("video/VP9", 100, new() { ["profile-id"] = 0 })] },
    ["VP9 profile 2"] = new() { Codecs = [Cap("video/VP9", 100, new() { ["profile-id"] = 2 })] },
    ["H264 baseline"] = new() { Codecs = [Cap("video/H264", 100, new() { ["packetization-mode"] = 1, ["profile-level-id"] = "42e01f" })] },
    ["H264 main only"] = new() { Codecs = [Cap("video/H264", 100, new() { ["packetization-mode"] = 1, ["profile-level-id"] = "4d0032" })] },
    ["AV1 + VP8"] = new() { Codecs = [Cap("video/AV1", 110), Cap("video/VP8", 100)] },
};
Console.WriteLine($"{"receiver",-20}" + string.Concat(producers.Select(p => $"{((string)p.AppData["label"]!).Split(' ')[0],-12}")));
foreach (var (name, caps) in receivers)
    Console.WriteLine($"{name,-20}" + string.Concat(producers.Select(p => $"{(router.CanConsume(p.Id, caps) ? "yes" : "-"),-12}")));
if (!router.CanConsume(producers[2].Id, receivers["H264 baseline"]) || router.CanConsume(producers[2].Id, receivers["H264 main only"]))
    throw new Exception("H264 profiles must decide");
if (router.CanConsume(producers[1].Id, receivers["VP9 profile 0 only"])) throw new Exception("VP9 profile-id must decide");

// %% [markdown]
// ## What a consumer gets
//
// Consuming the H264 producer for the "H264 baseline" receiver: the codec and profile are the producer's, the
// payload type is the router's (107: a receiver's capabilities match by codec, not by payload type), RTX comes only
// when the receiver lists it, the RTCP feedback is what both sides support, header extensions only those the receiver
// lists (none here), and the stream gets a new SSRC (the consumer's stream is the router's, not the sender's).
// The same producer for the "VP8 only" receiver is refused with a typed error.

// %%
var recvTransport = await router.CreatePlainTransportAsync(new PlainTransportOptions
{
    ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" },
});
void Show(string title, RtpParameters p)
{
    Console.WriteLine(title);
    foreach (var c in p.Codecs) Console.WriteLine($"  codec {c.MimeType} pt {c.PayloadType} {Params(c.Parameters)} fb: {string.Join(",", c.RtcpFeedback.Select(f => (f.Type + " " + f.Parameter).Trim()))}");
    foreach (var e in p.Encodings) Console.WriteLine($"  encoding ssrc {e.Ssrc} rtx {e.Rtx?.Ssrc} {e.ScalabilityMode}");
    foreach (var h in p.HeaderExtensions) Console.WriteLine($"  header extension {h.Id}: {h.Uri}");
}
var h264 = await recvTransport.ConsumeAsync(new ConsumerOptions { ProducerId = producers[2].Id, RtpCapabilities = receivers["H264 baseline"] });
Show("H264 producer -> 'H264 baseline' receiver:", h264.RtpParameters);
var vp8 = await recvTransport.ConsumeAsync(new ConsumerOptions { ProducerId = producers[0].Id, RtpCapabilities = receivers["VP8 only"] });
Show("VP8 producer -> 'VP8 only' receiver (it has RTX):", vp8.RtpParameters);
var routerH264 = router.RtpCapabilities.Codecs.First(c => c.MimeType == "video/H264" && c.Parameters["profile-level-id"].AsString() == "42e01f");
if (h264.RtpParameters.Codecs[0].PayloadType != routerH264.PreferredPayloadType || h264.RtpParameters.Encodings[0].Rtx is not null
    || vp8.RtpParameters.Encodings[0].Rtx is null || h264.RtpParameters.Encodings[0].Ssrc == 1003)
    throw new Exception("unexpected consumer parameters");
try
{
    await recvTransport.ConsumeAsync(new ConsumerOptions { ProducerId = producers[2].Id, RtpCapabilities = receivers["VP8 only"] });
    throw new Exception("a VP8-only receiver cannot consume H264");
}
catch (MediasoupException e)
{
    Console.WriteLine($"H264 producer -> 'VP8 only' receiver: {e.GetType().Name}: {e.Message}");
}

// %% [markdown]
// ## The same without a worker
//
// The negotiation itself is pure code in the library (`Ortc`), usable offline, for example to check a client's
// capabilities before anything is created: `Ortc.CanConsume(consumableParameters, caps)` is what the router
// calls with the producer's consumable parameters.

// %%
var routerCaps = Ortc.GenerateRouterRtpCapabilities(router.RtpCapabilities.Codecs.Where(c => c.MimeType != "video/rtx")
    .Select(c => new RtpCodecCapability { Kind = c.Kind, MimeType = c.MimeType, ClockRate = c.ClockRate, Channels = c.Channels, Parameters = c.Parameters }));
Console.WriteLine($"offline router capabilities: {routerCaps.Codecs.Count} codecs (with RTX), same as the worker's router: {routerCaps.Codecs.Count == router.RtpCapabilities.Codecs.Count}");
await worker.CloseAsync();
