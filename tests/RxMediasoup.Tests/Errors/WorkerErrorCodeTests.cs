using System.Net.Sockets;
using RxMediasoup.Tests.PipeToRouter;
using static RxMediasoup.Tests.Transports.TransportTestHelpers;

namespace RxMediasoup.Tests.Errors;

/// <summary>
/// Regression (issue 7 §6.3): the worker-side conflicts a caller branches on carry a <see cref="MediasoupErrorCode"/>,
/// read from the real worker's reason (each case triggers it against the real worker and checks the reason too,
/// so a change of the worker's wording fails here rather than silently turning into <see cref="MediasoupErrorCode.Unknown"/>).
/// </summary>
public sealed class WorkerErrorCodeTests : IAsyncLifetime
{
    private static readonly DtlsParameters RemoteDtlsParameters = new()
    {
        Role = DtlsRole.Client,
        Fingerprints =
        [
            new DtlsFingerprint
            {
                Algorithm = FingerprintAlgorithm.Sha256,
                Value = "82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:AC:2D:65:E5:80:C4:B6:FB:AF:1A:A0:21:9F:6D:0C:AD",
            },
        ],
    };

    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = PipeToRouterTests.MediaCodecs });
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    private Task<WebRtcTransport> WebRtcTransportAsync(bool enableSctp = false) => _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
    {
        ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }],
        EnableSctp = enableSctp,
    });

    private static async Task<MediasoupException> AssertCodeAsync(MediasoupErrorCode code, string reason, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<MediasoupException>(action);
        Assert.Contains(reason, e.Message);
        Assert.Equal(code, e.Code);
        return e;
    }

    [Fact]
    public async Task AFixedPortAlreadyInUseIsPortInUse()
    {
        int port = PickPort(ProtocolType.Udp);
        var options = new PlainTransportOptions { ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1", Port = port } };
        await _router.CreatePlainTransportAsync(options);
        await AssertCodeAsync(MediasoupErrorCode.PortInUse, "address already in use", () => _router.CreatePlainTransportAsync(options));
    }

    [Fact]
    public async Task AFixedTcpPortAlreadyInUseIsPortInUse()
    {
        int port = PickPort(ProtocolType.Tcp);
        var options = new WebRtcTransportOptions { ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Tcp, Ip = "127.0.0.1", Port = port }] };
        await _router.CreateWebRtcTransportAsync(options);
        await AssertCodeAsync(MediasoupErrorCode.PortInUse, "address already in use", () => _router.CreateWebRtcTransportAsync(options));
    }

    [Fact]
    public async Task AFullPortRangeIsNoPortAvailable()
    {
        int port = PickPort(ProtocolType.Udp);
        var options = new PlainTransportOptions
        {
            ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1", PortRange = new PortRange(port, port) },
        };
        await _router.CreatePlainTransportAsync(options);
        await AssertCodeAsync(MediasoupErrorCode.NoPortAvailable, "no more available ports", () => _router.CreatePlainTransportAsync(options));
    }

    [Fact]
    public async Task ProducingTwiceWithTheSameMidIsMidInUse()
    {
        var transport = await WebRtcTransportAsync();
        await transport.ProduceAsync(Audio(mid: "AUDIO", ssrc: 1111));
        await AssertCodeAsync(MediasoupErrorCode.MidInUse, "MID already exists", () => transport.ProduceAsync(Audio(mid: "AUDIO", ssrc: 2222)));
        Assert.Single(transport.Producers.Items);
    }

    [Fact]
    public async Task ProducingTwiceWithTheSameSsrcIsSsrcInUse()
    {
        var transport = await WebRtcTransportAsync();
        await transport.ProduceAsync(Audio(mid: "A1", ssrc: 1111));
        await AssertCodeAsync(MediasoupErrorCode.SsrcInUse, "ssrc already exists", () => transport.ProduceAsync(Audio(mid: "A2", ssrc: 1111)));
    }

    [Fact]
    public async Task ProducingTwiceWithTheSameRidAndNoMidIsRidInUse()
    {
        var transport = await WebRtcTransportAsync();
        await transport.ProduceAsync(Audio(mid: null, rid: "r0"));
        await AssertCodeAsync(MediasoupErrorCode.RidInUse, "RID already exists", () => transport.ProduceAsync(Audio(mid: null, rid: "r0")));
    }

    [Fact]
    public async Task ConnectingAWebRtcTransportTwiceIsAlreadyConnected()
    {
        var transport = await WebRtcTransportAsync();
        await transport.ConnectAsync(RemoteDtlsParameters);
        await AssertCodeAsync(MediasoupErrorCode.AlreadyConnected, "connect() already called", () => transport.ConnectAsync(RemoteDtlsParameters));
    }

    [Fact]
    public async Task ConnectingAPlainTransportTwiceIsAlreadyConnected()
    {
        var transport = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Udp() });
        await transport.ConnectAsync("127.0.0.1", 4000);
        await AssertCodeAsync(MediasoupErrorCode.AlreadyConnected, "connect() already called", () => transport.ConnectAsync("127.0.0.1", 4001));
    }

    [Fact]
    public async Task ConnectingAPipeTransportTwiceIsAlreadyConnected()
    {
        var transport = await _router.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = Udp() });
        await transport.ConnectAsync("127.0.0.1", 4000);
        await AssertCodeAsync(MediasoupErrorCode.AlreadyConnected, "connect() already called", () => transport.ConnectAsync("127.0.0.1", 4001));
    }

    [Fact]
    public async Task ProducingDataOnATransportWithoutSctpIsSctpNotEnabled()
    {
        var transport = await WebRtcTransportAsync(enableSctp: false);
        await AssertCodeAsync(MediasoupErrorCode.SctpNotEnabled, "SCTP not enabled", () => transport.ProduceDataAsync(new DataProducerOptions
        {
            SctpStreamParameters = new SctpStreamParameters { StreamId = 1 },
        }));
        Assert.Empty(transport.DataProducers.Items);
    }

    [Fact]
    public async Task ProducingDataTwiceOnTheSameStreamIdIsSctpStreamIdInUse()
    {
        var transport = await WebRtcTransportAsync(enableSctp: true);
        var options = new DataProducerOptions { SctpStreamParameters = new SctpStreamParameters { StreamId = 7 } };
        await transport.ProduceDataAsync(options);
        await AssertCodeAsync(MediasoupErrorCode.SctpStreamIdInUse, "streamId already exists", () => transport.ProduceDataAsync(options));
    }

    [Fact]
    public async Task OtherWorkerErrorsAreUnknownAndBadInputStaysAnArgumentException()
    {
        // A worker Error that is none of the conflicts: an IP the worker cannot bind.
        var e = await Assert.ThrowsAsync<MediasoupException>(() => _router.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "8.8.8.8" },
        }));
        Assert.Equal(MediasoupErrorCode.Unknown, e.Code);
        // A worker TypeError: a PlainTransport connect without a port.
        var transport = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Udp() });
        var argument = await Assert.ThrowsAnyAsync<ArgumentException>(() => transport.ConnectAsync("127.0.0.1"));
        Assert.Contains("missing port", argument.Message);
    }

    private static ProducerOptions Audio(string? mid, uint? ssrc = null, string? rid = null) => new()
    {
        Kind = MediaKind.Audio,
        RtpParameters = new RtpParameters
        {
            Mid = mid,
            Codecs = [new RtpCodecParameters { MimeType = "audio/opus", PayloadType = 111, ClockRate = 48000, Channels = 2 }],
            Encodings = [new RtpEncodingParameters { Ssrc = ssrc, Rid = rid }],
        },
    };
}

/// <summary>The classifier alone, on the worker's wording of every code (the real reasons are checked above).</summary>
public sealed class WorkerErrorClassifierTests
{
    [Theory]
    [InlineData("uv_udp_bind() failed [protocol:udp, ip:'127.0.0.1', port:40000]: address already in use", MediasoupErrorCode.PortInUse)]
    [InlineData("uv_listen() failed [protocol:tcp, ip:'127.0.0.1', port:40000]: address already in use", MediasoupErrorCode.PortInUse)]
    [InlineData("no more available ports [protocol:udp, ip:'127.0.0.1', numAttempt:1]", MediasoupErrorCode.NoPortAvailable)]
    [InlineData("MID already exists in RTP listener [mid:0]", MediasoupErrorCode.MidInUse)]
    [InlineData("ssrc already exists in RTP listener [ssrc:1111]", MediasoupErrorCode.SsrcInUse)]
    [InlineData("RTX ssrc already exists in RTP listener [ssrc:1112]", MediasoupErrorCode.SsrcInUse)]
    [InlineData("RID already exists in RTP listener and no MID is given [rid:r0]", MediasoupErrorCode.RidInUse)]
    [InlineData("connect() already called", MediasoupErrorCode.AlreadyConnected)]
    [InlineData("SCTP not enabled and not a direct Transport", MediasoupErrorCode.SctpNotEnabled)]
    [InlineData("SCTP not enabled", MediasoupErrorCode.SctpNotEnabled)]
    [InlineData("streamId already exists in SCTP listener [streamId:7]", MediasoupErrorCode.SctpStreamIdInUse)]
    [InlineData("an SCTP DataConsumer with same streamId 7 already exists [method:TRANSPORT_CONSUME_DATA]", MediasoupErrorCode.SctpStreamIdInUse)]
    [InlineData("wrong webRtcServerId (no associated WebRtcServer found)", MediasoupErrorCode.Unknown)]
    [InlineData("", MediasoupErrorCode.Unknown)]
    public void ReasonsMapToTheirCode(string reason, MediasoupErrorCode code)
    {
        Assert.Equal(code, WorkerErrors.Classify(reason));
        var e = Assert.IsType<MediasoupException>(WorkerErrors.FromResponse("Error", reason));
        Assert.Equal(code, e.Code);
        Assert.Equal(reason, e.Message);
    }

    [Fact]
    public void TypeErrorsAndNotFoundErrorsKeepTheirTypes()
    {
        Assert.IsType<ArgumentException>(WorkerErrors.FromResponse("TypeError", "connect() already called"));
        Assert.Equal(MediasoupErrorCode.Unknown, Assert.IsType<NotFoundException>(WorkerErrors.FromResponse("NotFoundError", "x")).Code);
    }
}
