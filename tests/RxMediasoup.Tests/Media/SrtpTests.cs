using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Security.Cryptography;
using RxMediasoup.Tests.Infrastructure;
using Xunit.Abstractions;
using static RxMediasoup.Tests.Media.MediaTestData;
using static RxMediasoup.Tests.Transports.TransportTestHelpers;

namespace RxMediasoup.Tests.Media;

/// <summary>
/// SRTP with real media, the evidence a worker upgrade (and its libsrtp) must give: SDES SRTP between plain transports
/// and ffmpeg's own SRTP (AES-CM suites; ffmpeg has no GCM) both ways, with ffmpeg decoding what the worker encrypted;
/// SRTP between two workers for every suite (PipeTransport: AEAD_AES_256_GCM, the one suite the worker allows there;
/// PlainTransport pairs: all four); and an SRTP leg carrying 70,000 packets across an RTP sequence number wrap with
/// nothing lost. Each test starts its workers and ffmpeg processes and checks they are gone at the end.
/// </summary>
public sealed class SrtpTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private const int VideoPayloadType = 101;
    private const int AudioPayloadType = 100;

    private RxMediasoup.Worker _worker1 = null!;
    private RxMediasoup.Worker _worker2 = null!;
    private RxMediasoup.Router _router1 = null!;
    private RxMediasoup.Router _router2 = null!;

    /// <summary>Worker 2's log, with the <c>srtp</c> tag at debug level: where libsrtp's unprotect failures show.</summary>
    private readonly CapturingLoggerFactory _worker2Log = new();

    private static IReadOnlyList<RtpCodecCapability> MediaCodecs => Json<RtpCodecCapability[]>("""
        [ { "kind": "audio", "mimeType": "audio/opus", "clockRate": 48000, "channels": 2 },
          { "kind": "video", "mimeType": "video/VP8", "clockRate": 90000,
            "rtcpFeedback": [ { "type": "nack" }, { "type": "nack", "parameter": "pli" }, { "type": "ccm", "parameter": "fir" } ] } ]
        """);

    /// <summary>ffmpeg as a receiver: VP8 with payload type 101, no RTX, no header extensions.</summary>
    private static RtpCapabilities FfmpegReceiverCapabilities => Json<RtpCapabilities>("""
        {
          "codecs": [ { "kind": "video", "mimeType": "video/VP8", "preferredPayloadType": 101, "clockRate": 90000,
                        "rtcpFeedback": [ { "type": "nack", "parameter": "pli" } ] } ],
          "headerExtensions": []
        }
        """);

    private static RtpParameters Vp8Parameters(uint ssrc) => new()
    {
        Codecs = [Json<RtpCodecParameters>("""{ "mimeType": "video/VP8", "payloadType": 101, "clockRate": 90000 }""")],
        Encodings = [new RtpEncodingParameters { Ssrc = ssrc }],
        Rtcp = new RtcpParameters { Cname = "ffmpeg" },
    };

    private static RtpParameters OpusParameters(uint ssrc) => new()
    {
        Codecs = [Json<RtpCodecParameters>("""{ "mimeType": "audio/opus", "payloadType": 100, "clockRate": 48000, "channels": 2 }""")],
        Encodings = [new RtpEncodingParameters { Ssrc = ssrc }],
        Rtcp = new RtcpParameters { Cname = "direct" },
    };

    private static ListenInfo Loopback => new() { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" };

    public async Task InitializeAsync()
    {
        _worker1 = await RxMediasoup.Worker.CreateAsync();
        _worker2 = await RxMediasoup.Worker.CreateAsync(new WorkerSettings
        {
            LogLevel = WorkerLogLevel.Debug, LogTags = [WorkerLogTag.Srtp], LoggerFactory = _worker2Log,
        });
        _router1 = await _worker1.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        _router2 = await _worker2.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
    }

    public async Task DisposeAsync()
    {
        int pid1 = _worker1.Pid, pid2 = _worker2.Pid;
        await _worker1.CloseAsync();
        await _worker2.CloseAsync();
        Assert.True(await Processes.WaitUntilGoneAsync(pid1, TimeSpan.FromSeconds(5)), $"worker {pid1} left running");
        Assert.True(await Processes.WaitUntilGoneAsync(pid2, TimeSpan.FromSeconds(5)), $"worker {pid2} left running");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 1. PlainTransport SDES SRTP with ffmpeg, both ways.
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// ffmpeg sends VP8 over SRTP (and its sender reports over SRTCP, to a separate RTCP port) into a plain transport of
    /// worker 2 with the same suite: the producer gets a score and counts packets, and worker 2 logs no SRTP or SRTCP
    /// authentication failure. Piped (no SRTP) to worker 1, a consumer of it on an SRTP plain transport sends to another
    /// ffmpeg, which decrypts with the transport's key (from an SDP <c>a=crypto</c> line) and decodes.
    /// </summary>
    /// <param name="suite">The transports' suite.</param>
    /// <param name="ffmpegSuite">ffmpeg's name of it: for the 32-bit tag, the RFC 5764 name, whose SRTCP tag is 80 bits
    /// as libsrtp's. ffmpeg's <c>AES_CM_128_HMAC_SHA1_32</c> tags SRTCP with 32 bits: RTP still flows, but the worker
    /// rejects every SRTCP packet — the last case, which also shows the no-failure check sees ffmpeg's SRTCP.</param>
    /// <param name="srtcpFails">Whether worker 2 must log SRTCP authentication failures.</param>
    [Theory]
    [InlineData(SrtpCryptoSuite.AesCm128HmacSha1_80, "AES_CM_128_HMAC_SHA1_80", false)]
    [InlineData(SrtpCryptoSuite.AesCm128HmacSha1_32, "SRTP_AES128_CM_HMAC_SHA1_32", false)]
    [InlineData(SrtpCryptoSuite.AesCm128HmacSha1_32, "AES_CM_128_HMAC_SHA1_32", true)]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Media)]
    public async Task FfmpegSrtpIntoAPlainTransportAndOutToAnFfmpegSrtpReceiverThatDecodes(SrtpCryptoSuite suite, string ffmpegSuite, bool srtcpFails)
    {
        const uint ssrc = 55667788;
        var started = Stopwatch.StartNew();

        // In: ffmpeg (SRTP sender, known local ports) → transport1 on worker 2, connected to those ports with ffmpeg's key.
        var transport1 = await _router2.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = Loopback, RtcpMux = false, EnableSrtp = true, SrtpCryptoSuite = suite,
        });
        Assert.Equal(suite, transport1.SrtpParameters!.CryptoSuite);
        string ffmpegKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        int ffmpegRtpPort = PickPort(ProtocolType.Udp), ffmpegRtcpPort = PickPort(ProtocolType.Udp);
        await transport1.ConnectAsync("127.0.0.1", ffmpegRtpPort, ffmpegRtcpPort,
            new SrtpParameters { CryptoSuite = suite, KeyBase64 = ffmpegKey });
        var producer = await transport1.ProduceAsync(new ProducerOptions { Kind = MediaKind.Video, RtpParameters = Vp8Parameters(ssrc) });
        var piped = await _router2.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = producer.Id, Router = _router1 });

        // Out: a consumer on transport2 (SRTP) → the ffmpeg receiver's RTP and RTCP ports.
        var transport2 = await _router1.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = Loopback, RtcpMux = false, EnableSrtp = true, SrtpCryptoSuite = suite,
        });
        int receiverPort = PickPortPair();
        await transport2.ConnectAsync("127.0.0.1", receiverPort, receiverPort + 1,
            new SrtpParameters { CryptoSuite = suite, KeyBase64 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)) });
        var consumer = await transport2.ConsumeAsync(new ConsumerOptions { ProducerId = piped.PipeProducer!.Id, RtpCapabilities = FfmpegReceiverCapabilities });
        Assert.Equal(VideoPayloadType, consumer.RtpParameters.Codecs[0].PayloadType);

        string sdpPath = Path.Combine(Path.GetTempPath(), $"rxmediasoup-srtp-{Guid.NewGuid():N}.sdp");
        await File.WriteAllTextAsync(sdpPath, string.Join("\n",
            "v=0",
            "o=- 0 0 IN IP4 127.0.0.1",
            "s=mediasoup",
            "c=IN IP4 127.0.0.1",
            "t=0 0",
            $"m=video {receiverPort} RTP/SAVP {VideoPayloadType}",
            $"a=rtpmap:{VideoPayloadType} VP8/90000",
            $"a=crypto:1 {ffmpegSuite} inline:{transport2.SrtpParameters!.KeyBase64}",
            ""));
        var scored = producer.Score.FirstAsync(s => s.Any(x => x.Score > 0)).Timeout(Timeout).ToTask();
        try
        {
            await using var receiver = new FfmpegProcess(
            [
                "-hide_banner", "-loglevel", "warning", "-nostdin", "-nostats",
                "-protocol_whitelist", "file,udp,rtp", "-i", sdpPath,
                "-map", "0:v", "-progress", "pipe:1", "-f", "null", "-",
            ]);
            await using var sender = new FfmpegProcess(
            [
                "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30",
                "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k", "-g", "30", "-keyint_min", "30",
                "-ssrc", ssrc.ToString(CultureInfo.InvariantCulture),
                "-payload_type", VideoPayloadType.ToString(CultureInfo.InvariantCulture),
                "-srtp_out_suite", ffmpegSuite, "-srtp_out_params", ffmpegKey,
                "-f", "rtp",
                $"srtp://127.0.0.1:{transport1.Tuple.Current().LocalPort}?localrtpport={ffmpegRtpPort}&localrtcpport={ffmpegRtcpPort}"
                    + $"&rtcpport={transport1.RtcpTuple.Current()!.LocalPort}",
            ]);
            try
            {
                // In: the worker decrypted ffmpeg's SRTP.
                var score = Assert.Single(await scored);
                Assert.Equal(ssrc, score.Ssrc);
                Assert.True(score.Score > 0, $"score {score.Score}");
                var inbound = Assert.Single(await producer.GetStatsAsync());
                Assert.True(inbound.PacketCount > 0, $"producer packets {inbound.PacketCount}");
                Assert.Equal("video/VP8", inbound.MimeType);

                // Out: ffmpeg decrypted the consumer's SRTP and decoded frames (30 = one second of video).
                var until = DateTime.UtcNow + Timeout;
                while (DateTime.UtcNow < until && receiver.Frames < 30 && receiver.IsRunning) await Task.Delay(100);
                Assert.True(receiver.Frames >= 30, $"frames decoded by ffmpeg: {receiver.Frames}; receiver stderr: {receiver.StandardError}");
                var outbound = Assert.Single(await consumer.GetStatsAsync(), s => s.Type == RtpStreamStatsType.OutboundRtp);
                Assert.True(outbound.PacketCount > 0, $"consumer packets {outbound.PacketCount}");
                inbound = Assert.Single(await producer.GetStatsAsync());
                output.WriteLine($"{suite} (ffmpeg {ffmpegSuite}): producer score {score.Score}, producer packets {inbound.PacketCount}, "
                    + $"consumer packets {outbound.PacketCount}, frames decoded by ffmpeg {receiver.Frames}, {started.Elapsed.TotalSeconds:F1} s");
                Assert.True(sender.IsRunning, $"sender stderr: {sender.StandardError}");

                // ffmpeg sent sender reports all along (its first before its first RTP packet, then about one a second).
                string[] SrtpFailures(string what) => _worker2Log.Entries.Select(e => e.Message).Where(m => m.Contains(what, StringComparison.Ordinal)).ToArray();
                if (srtcpFails)
                {
                    until = DateTime.UtcNow + Timeout;
                    while (DateTime.UtcNow < until && SrtpFailures("srtp_unprotect_rtcp() failed").Length == 0) await Task.Delay(100);
                    Assert.NotEmpty(SrtpFailures("srtp_unprotect_rtcp() failed"));
                }
                else
                {
                    Assert.Empty(SrtpFailures("srtp_unprotect_rtcp() failed"));
                }
                Assert.Empty(SrtpFailures("srtp_unprotect() failed"));
                output.WriteLine($"SRTCP failures logged by worker 2: {SrtpFailures("srtp_unprotect_rtcp() failed").Length}");
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                throw new InvalidOperationException(
                    $"sender running: {sender.IsRunning}; stderr: {sender.StandardError}; receiver frames {receiver.Frames}; stderr: {receiver.StandardError}", e);
            }
        }
        finally
        {
            File.Delete(sdpPath);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 2. SRTP between two workers.
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// A manual pipe (pipeToRouter's steps) with <c>EnableSrtp</c> between two workers: RTP sent on worker 1 by a direct
    /// producer reaches a direct consumer on worker 2, every packet counted at both ends of the encrypted leg.
    /// </summary>
    [Fact]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Media)]
    public async Task PipeTransportSrtpCarriesEveryPacketBetweenWorkers()
    {
        var leg = await CreatePipeLegAsync();
        Assert.Equal(SrtpCryptoSuite.AeadAes256Gcm, leg.Suite);
        var result = await RunAsync(leg, count: 2_000, firstSequenceNumber: 1000, packetsPerSecond: 10_000);
        AssertNothingLost(result, 2_000);
        output.WriteLine($"PipeTransport {leg.Suite}: {result}");
    }

    /// <summary>
    /// The worker's pipe transport allows AEAD_AES_256_GCM only (as in earlier mediasoup versions): connecting with another suite
    /// fails. The other suites between workers are covered with plain transport pairs
    /// (<see cref="PlainTransportSrtpCarriesEveryPacketBetweenWorkers"/>).
    /// </summary>
    [Theory]
    [InlineData(SrtpCryptoSuite.AeadAes128Gcm)]
    [InlineData(SrtpCryptoSuite.AesCm128HmacSha1_80)]
    [InlineData(SrtpCryptoSuite.AesCm128HmacSha1_32)]
    public async Task PipeTransportSrtpRejectsAnotherSuite(SrtpCryptoSuite suite)
    {
        var pipe1 = await _router1.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = Loopback, EnableSrtp = true });
        var pipe2 = await _router2.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = Loopback, EnableSrtp = true });
        var key = pipe2.SrtpParameters!.KeyBase64;
        var e = await Assert.ThrowsAnyAsync<Exception>(() => pipe1.ConnectAsync("127.0.0.1", pipe2.Tuple.Current().LocalPort,
            new SrtpParameters { CryptoSuite = suite, KeyBase64 = key }));
        Assert.Contains("cryptoSuite", e.Message, StringComparison.Ordinal);
        // The right suite still connects.
        await pipe1.ConnectAsync("127.0.0.1", pipe2.Tuple.Current().LocalPort, pipe2.SrtpParameters);
    }

    /// <summary>
    /// Every SRTP suite on a leg between two workers: plain transports with <c>EnableSrtp</c> and the suite, connected to
    /// each other with each other's keys; RTP from a direct producer on worker 1, through a consumer there and a producer on
    /// worker 2, to a direct consumer on worker 2, every packet counted at both ends of the encrypted leg.
    /// </summary>
    [Theory]
    [InlineData(SrtpCryptoSuite.AeadAes256Gcm)]
    [InlineData(SrtpCryptoSuite.AeadAes128Gcm)]
    [InlineData(SrtpCryptoSuite.AesCm128HmacSha1_80)]
    [InlineData(SrtpCryptoSuite.AesCm128HmacSha1_32)]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Media)]
    public async Task PlainTransportSrtpCarriesEveryPacketBetweenWorkers(SrtpCryptoSuite suite)
    {
        var leg = await CreatePlainLegAsync(suite);
        Assert.Equal(suite, leg.Suite);
        var result = await RunAsync(leg, count: 2_000, firstSequenceNumber: 1000, packetsPerSecond: 10_000);
        AssertNothingLost(result, 2_000);
        output.WriteLine($"PlainTransport {suite}: {result}");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 3. An RTP sequence number wrap through an SRTP leg.
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// 70,000 packets (more than the 65,536 sequence numbers, so every stream on the way wraps at least once; the sender
    /// starts 1,000 before its wrap) through the SRTP pipe: all arrive, in order, and the sequence numbers wrapped — the
    /// SRTP rollover counter must follow on both workers or the packets after the wrap fail authentication.
    /// </summary>
    [Fact]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Media)]
    public async Task PipeTransportSrtpCarries70000PacketsAcrossASequenceNumberWrap()
    {
        var leg = await CreatePipeLegAsync();
        var result = await RunAsync(leg, count: 70_000, firstSequenceNumber: 65_536 - 1_000, packetsPerSecond: 10_000);
        AssertNothingLost(result, 70_000);
        Assert.True(result.Wraps >= 1, $"no sequence number wrap at the receiver: {result}");
        output.WriteLine($"PipeTransport {leg.Suite}, wrap: {result}");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers.
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>An encrypted leg from router 1 to router 2: a producer of router 2 fed by a consumer of router 1.</summary>
    private sealed record Leg(SrtpCryptoSuite Suite, Func<Producer, Task<(Consumer LegConsumer, Producer LegProducer)>> Connect);

    private async Task<Leg> CreatePipeLegAsync()
    {
        var pipe1 = await _router1.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = Loopback, EnableSrtp = true });
        var pipe2 = await _router2.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = Loopback, EnableSrtp = true });
        Assert.NotEqual(pipe1.SrtpParameters!.KeyBase64, pipe2.SrtpParameters!.KeyBase64);
        // Both read before either connects: a connected transport's SrtpParameters are the remote ones, and the first
        // connect may be answered before the second call's arguments are evaluated.
        var (srtp1, srtp2) = (pipe1.SrtpParameters, pipe2.SrtpParameters);
        await Task.WhenAll(
            pipe1.ConnectAsync("127.0.0.1", pipe2.Tuple.Current().LocalPort, srtp2),
            pipe2.ConnectAsync("127.0.0.1", pipe1.Tuple.Current().LocalPort, srtp1));
        return new Leg(pipe1.SrtpParameters.CryptoSuite, async producer =>
        {
            var pipeConsumer = await pipe1.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id });
            var pipeProducer = await pipe2.ProduceAsync(new ProducerOptions
            {
                Id = producer.Id, Kind = pipeConsumer.Kind, RtpParameters = pipeConsumer.RtpParameters,
            });
            return (pipeConsumer, pipeProducer);
        });
    }

    private async Task<Leg> CreatePlainLegAsync(SrtpCryptoSuite suite)
    {
        var options = new PlainTransportOptions { ListenInfo = Loopback, RtcpMux = true, EnableSrtp = true, SrtpCryptoSuite = suite };
        var plain1 = await _router1.CreatePlainTransportAsync(options);
        var plain2 = await _router2.CreatePlainTransportAsync(options);
        var (srtp1, srtp2) = (plain1.SrtpParameters, plain2.SrtpParameters); // both before either connects (see CreatePipeLegAsync)
        await Task.WhenAll(
            plain1.ConnectAsync("127.0.0.1", plain2.Tuple.Current().LocalPort, srtpParameters: srtp2),
            plain2.ConnectAsync("127.0.0.1", plain1.Tuple.Current().LocalPort, srtpParameters: srtp1));
        Assert.Equal(suite, plain2.SrtpParameters!.CryptoSuite);
        return new Leg(plain1.SrtpParameters!.CryptoSuite, async producer =>
        {
            var consumer = await plain1.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id, RtpCapabilities = _router1.RtpCapabilities });
            var remote = await plain2.ProduceAsync(new ProducerOptions { Kind = consumer.Kind, RtpParameters = consumer.RtpParameters });
            return (consumer, remote);
        });
    }

    /// <summary>What went in and came out of a leg.</summary>
    private sealed record LegResult(int Sent, int Received, int Wraps, int Gaps, long LegConsumerPackets, long LegProducerPackets,
        long ReceiverConsumerPackets, long UdpReceiveBufferErrors, TimeSpan Sending, TimeSpan Total)
    {
        public override string ToString() =>
            $"sent {Sent}, received {Received}, wraps {Wraps}, gaps {Gaps}; packets: leg consumer (worker 1) {LegConsumerPackets}, "
            + $"leg producer (worker 2) {LegProducerPackets}, direct consumer (worker 2) {ReceiverConsumerPackets}; "
            + $"sending {Sending.TotalSeconds:F1} s ({Sent / Sending.TotalSeconds:F0} packets/s), total {Total.TotalSeconds:F1} s; "
            + $"UDP datagrams the kernel dropped for a full receive buffer meanwhile (whole machine): {UdpReceiveBufferErrors}";
    }

    /// <summary>The kernel's count of UDP datagrams dropped for a full socket receive buffer (/proc/net/snmp, all sockets).</summary>
    private static long UdpReceiveBufferErrors()
    {
        try
        {
            var lines = File.ReadAllLines("/proc/net/snmp").Where(l => l.StartsWith("Udp: ", StringComparison.Ordinal)).ToArray();
            if (lines.Length < 2) return -1;
            int column = Array.IndexOf(lines[0].Split(' '), "RcvbufErrors");
            return column < 0 ? -1 : long.Parse(lines[1].Split(' ')[column], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>
    /// Opus-typed RTP (payload bytes are not parsed for forwarding) from a direct producer on router 1, through
    /// <paramref name="leg"/>, to a direct consumer on router 2 whose packets are counted with their sequence numbers.
    /// Sent at <paramref name="packetsPerSecond"/> (the pace keeps the UDP socket buffers on the way from overflowing).
    /// </summary>
    private async Task<LegResult> RunAsync(Leg leg, int count, ushort firstSequenceNumber, int packetsPerSecond)
    {
        const uint ssrc = 12345678;
        var total = Stopwatch.StartNew();
        var direct1 = await _router1.CreateDirectTransportAsync();
        var producer = (DirectProducer)await direct1.ProduceAsync(new ProducerOptions { Kind = MediaKind.Audio, RtpParameters = OpusParameters(ssrc) });
        var (legConsumer, legProducer) = await leg.Connect(producer);
        var direct2 = await _router2.CreateDirectTransportAsync();
        var receiverConsumer = await direct2.ConsumeAsync(new ConsumerOptions { ProducerId = legProducer.Id, RtpCapabilities = _router2.RtpCapabilities });

        var sequenceNumbers = new ushort[count + 16];
        int received = 0;
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = receiverConsumer.Rtp.Subscribe(packet =>
        {
            int i = Interlocked.Increment(ref received) - 1;
            if (i < sequenceNumbers.Length) sequenceNumbers[i] = BinaryPrimitives.ReadUInt16BigEndian(packet.Span[2..]);
            if (i + 1 == count) allReceived.TrySetResult();
        });

        var sending = Stopwatch.StartNew();
        var packet = new byte[12 + 60];
        packet[0] = 0x80;
        packet[1] = AudioPayloadType;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        packet[12] = 0xfc; // An opus TOC byte (SILK/CELT config 31, one frame); the rest is filler.
        // On schedule, but at most MaxBurst packets per tick: after a stall of this process (a loaded machine) a catch-up
        // burst of thousands overflows the receiving worker's UDP socket buffer (≈200 KB by default), a loss that is not
        // SRTP's. Timer ticks here are 1 to 5 ms, so the pace stays within 5,000 to 10,000 packets/s.
        const int MaxBurst = 25;
        long rcvbufErrorsBefore = UdpReceiveBufferErrors();
        for (int sent = 0; sent < count;)
        {
            int scheduled = (int)Math.Min(count, (long)(sending.Elapsed.TotalSeconds * packetsPerSecond) + 1);
            int due = Math.Min(scheduled, sent + MaxBurst);
            for (; sent < due; sent++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)(firstSequenceNumber + sent));
                BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)(sent * 960));
                producer.Send(packet);
            }
            await Task.Delay(1);
        }
        sending.Stop();

        // Everything arrives within a few seconds of the last send; the timeout only bounds a failing run.
        await Task.WhenAny(allReceived.Task, Task.Delay(Timeout));
        await Task.Delay(200); // Anything beyond the count (a duplicate) would show up now.
        int got = Volatile.Read(ref received);
        int wraps = 0, gaps = 0;
        for (int i = 1; i < Math.Min(got, sequenceNumbers.Length); i++)
        {
            if (sequenceNumbers[i] != (ushort)(sequenceNumbers[i - 1] + 1)) gaps++;
            if (sequenceNumbers[i] < sequenceNumbers[i - 1]) wraps++;
        }
        long legConsumerPackets = (await legConsumer.GetStatsAsync()).Where(s => s.Type == RtpStreamStatsType.OutboundRtp).Sum(s => s.PacketCount);
        long legProducerPackets = (await legProducer.GetStatsAsync()).Sum(s => s.PacketCount);
        long receiverConsumerPackets = (await receiverConsumer.GetStatsAsync()).Where(s => s.Type == RtpStreamStatsType.OutboundRtp).Sum(s => s.PacketCount);
        return new LegResult(count, got, wraps, gaps, legConsumerPackets, legProducerPackets, receiverConsumerPackets,
            UdpReceiveBufferErrors() - rcvbufErrorsBefore, sending.Elapsed, total.Elapsed);
    }

    private static void AssertNothingLost(LegResult result, int count)
    {
        Assert.True(result.Received == count && result.Gaps == 0, $"lost, duplicated or reordered packets: {result}");
        Assert.True(result.LegConsumerPackets == count, $"leg consumer on worker 1: {result}");
        Assert.True(result.LegProducerPackets == count, $"leg producer on worker 2: {result}");
        Assert.True(result.ReceiverConsumerPackets == count, $"direct consumer on worker 2: {result}");
    }

    /// <summary>A free UDP port P on 127.0.0.1 whose P + 1 is free too (ffmpeg's SDP input listens on both).</summary>
    private static int PickPortPair()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int port = PickPort(ProtocolType.Udp);
            if (port >= 65535) continue;
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port + 1));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free UDP port pair");
    }
}
