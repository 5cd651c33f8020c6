using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reactive.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using static RxMediasoup.Tests.Transports.TransportTestHelpers;

namespace RxMediasoup.Tests.Transports;

/// <summary>
/// Real state transitions of the worker, driven from the test over loopback UDP (no simulated notifications): an
/// ICE peer made of hand-built STUN binding requests, DTLS starting once ICE is up, and a comedia plain transport
/// latching the first RTP packet's source.
/// </summary>
public sealed class RealTransitionTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = Routers.RouterTests.MediaCodecs });
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    [Fact]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Media)]
    public async Task IceCompletesAndDtlsStartsWithARealIcePeer()
    {
        var transport = await _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }],
        });
        var iceStates = new List<IceState>();
        var tuples = new List<TransportTuple?>();
        var dtlsStates = new List<DtlsState>();
        using var s1 = transport.IceState.Subscribe(iceStates.Add);
        using var s2 = transport.IceSelectedTuple.Subscribe(tuples.Add);
        using var s3 = transport.DtlsState.Subscribe(dtlsStates.Add);
        var completed = transport.IceState.FirstAsync(s => s == IceState.Completed).FirstAsyncOrTimeout(Timeout);

        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var candidate = transport.IceCandidates[0];
        var local = transport.IceParameters;

        // A request with a wrong password is refused (401) and changes nothing.
        await peer.SendAsync(Stun.BindingRequest($"{local.UsernameFragment}:peer", "wrong-password", useCandidate: true),
            new IPEndPoint(IPAddress.Loopback, candidate.Port));
        var refused = await peer.ReceiveAsync().WaitAsync(Timeout);
        Assert.Equal(0x0111, BinaryPrimitives.ReadUInt16BigEndian(refused.Buffer)); // Binding error response.
        Assert.Equal([IceState.New], iceStates);

        await peer.SendAsync(Stun.BindingRequest($"{local.UsernameFragment}:peer", local.Password, useCandidate: true),
            new IPEndPoint(IPAddress.Loopback, candidate.Port));
        var response = await peer.ReceiveAsync().WaitAsync(Timeout);
        Assert.Equal(0x0101, BinaryPrimitives.ReadUInt16BigEndian(response.Buffer)); // Binding success response.
        Assert.Equal(IceState.Completed, await completed);
        Assert.Equal([IceState.New, IceState.Completed], iceStates);

        var peerPort = ((IPEndPoint)peer.Client.LocalEndPoint!).Port;
        var selected = transport.IceSelectedTuple.Current();
        Assert.NotNull(selected);
        Assert.Equal("127.0.0.1", selected.RemoteIp);
        Assert.Equal(peerPort, selected.RemotePort);
        Assert.Equal(candidate.Port, selected.LocalPort);
        Assert.Equal(TransportProtocol.Udp, selected.Protocol);
        Assert.Equal(2, tuples.Count);
        var stats = Assert.IsType<WebRtcTransportStats>(await transport.GetStatsAsync());
        Assert.Equal(IceState.Completed, stats.IceState);
        Assert.Equal(selected, stats.IceSelectedTuple);
        Assert.True(stats.BytesReceived > 0);

        // With its local DTLS role still auto, mediasoup starts DTLS as server as soon as ICE is up: connecting,
        // waiting for the peer's ClientHello. DTLS can only complete after connect gives it the peer's fingerprint.
        Assert.Equal(DtlsState.Connecting, await transport.DtlsState.FirstAsync(s => s != DtlsState.New).FirstAsyncOrTimeout(Timeout));
        await transport.ConnectAsync(new DtlsParameters
        {
            Role = DtlsRole.Client,
            Fingerprints = [new DtlsFingerprint { Algorithm = FingerprintAlgorithm.Sha256, Value = string.Join(":", Enumerable.Repeat("AB", 32)) }],
        });
        Assert.Equal(DtlsRole.Server, transport.DtlsParameters.Role);
        Assert.Equal([DtlsState.New, DtlsState.Connecting], dtlsStates);

        await transport.CloseAsync();
        Assert.Equal([IceState.New, IceState.Completed, IceState.Closed], iceStates);
        Assert.Equal([DtlsState.New, DtlsState.Connecting], dtlsStates); // DtlsState completes with no value when the transport closes
        Assert.Null(tuples[^1]);
        await AssertNoHandlersAsync(_worker);
    }

    [Fact]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Media)]
    public async Task IceConnectsWithoutUseCandidateThenCompletes()
    {
        var transport = await _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }],
        });
        var iceStates = new List<IceState>();
        using var _ = transport.IceState.Subscribe(iceStates.Add);
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, transport.IceCandidates[0].Port);
        var local = transport.IceParameters;

        var connected = transport.IceState.FirstAsync(s => s == IceState.Connected).FirstAsyncOrTimeout(Timeout);
        await peer.SendAsync(Stun.BindingRequest($"{local.UsernameFragment}:peer", local.Password, useCandidate: false), target);
        await peer.ReceiveAsync().WaitAsync(Timeout);
        Assert.Equal(IceState.Connected, await connected);

        var completed = transport.IceState.FirstAsync(s => s == IceState.Completed).FirstAsyncOrTimeout(Timeout);
        await peer.SendAsync(Stun.BindingRequest($"{local.UsernameFragment}:peer", local.Password, useCandidate: true), target);
        await peer.ReceiveAsync().WaitAsync(Timeout);
        Assert.Equal(IceState.Completed, await completed);
        Assert.Equal([IceState.New, IceState.Connected, IceState.Completed], iceStates);
    }

    [Fact]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Media)]
    public async Task ComediaPlainTransportLatchesTheFirstRtpPacketsSource()
    {
        var transport = await _router.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" },
            Comedia = true,
        });
        var tuples = new List<TransportTuple>();
        using var _ = transport.Tuple.Subscribe(tuples.Add);
        var latched = transport.Tuple.FirstAsync(t => t.RemoteIp is not null).FirstAsyncOrTimeout(Timeout);
        Assert.Null(transport.Tuple.Current().RemoteIp);

        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        byte[] rtp = [0x80, 96, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78, 0xde, 0xad, 0xbe, 0xef];
        await sender.SendAsync(rtp, new IPEndPoint(IPAddress.Loopback, transport.Tuple.Current().LocalPort));

        var tuple = await latched;
        Assert.Equal("127.0.0.1", tuple.RemoteIp);
        Assert.Equal(((IPEndPoint)sender.Client.LocalEndPoint!).Port, tuple.RemotePort);
        Assert.Equal(2, tuples.Count);
        Assert.Equal(tuple, Assert.IsType<PlainTransportDump>(await transport.DumpAsync()).Tuple);
        Assert.True((await transport.GetStatsAsync()).BytesReceived > 0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Media)]
    public async Task DtlsConnectsWithARealDtlsClientAndFailsOnAWrongFingerprint(bool rightFingerprint)
    {
        // openssl s_client is the DTLS client; a relay gives it the ICE-validated tuple, as a browser's would be.
        var certFile = Path.Combine(AppContext.BaseDirectory, "data", "dtls-cert.pem");
        var keyFile = Path.Combine(AppContext.BaseDirectory, "data", "dtls-key.pem");
        var fingerprint = Convert.ToHexString(X509Certificate2.CreateFromPemFile(certFile, keyFile).GetCertHash(HashAlgorithmName.SHA256));
        if (!rightFingerprint) fingerprint = new string(fingerprint.Reverse().ToArray());
        fingerprint = string.Join(":", fingerprint.Chunk(2).Select(c => new string(c)));

        var transport = await _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }],
        });
        var dtlsStates = new List<DtlsState>();
        using var _ = transport.DtlsState.Subscribe(dtlsStates.Add);
        var finalState = transport.DtlsState.FirstAsync(s => s is DtlsState.Connected or DtlsState.Failed).FirstAsyncOrTimeout(TimeSpan.FromSeconds(10));

        using var ice = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var relay = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var worker = new IPEndPoint(IPAddress.Loopback, transport.IceCandidates[0].Port);
        var local = transport.IceParameters;
        await ice.SendAsync(Stun.BindingRequest($"{local.UsernameFragment}:peer", local.Password, useCandidate: true), worker);
        await ice.ReceiveAsync().WaitAsync(Timeout);
        await transport.ConnectAsync(new DtlsParameters
        {
            Role = DtlsRole.Client,
            Fingerprints = [new DtlsFingerprint { Algorithm = FingerprintAlgorithm.Sha256, Value = fingerprint }],
        });

        using var stop = new CancellationTokenSource();
        IPEndPoint? client = null;
        var toWorker = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var r = await relay.ReceiveAsync(stop.Token);
                client = r.RemoteEndPoint;
                await ice.SendAsync(r.Buffer, worker, stop.Token);
            }
        });
        var toClient = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var r = await ice.ReceiveAsync(stop.Token);
                if (client is { } c && r.Buffer.Length > 0 && r.Buffer[0] is >= 20 and <= 63) await relay.SendAsync(r.Buffer, c, stop.Token);
            }
        });
        using var openssl = Process.Start(new ProcessStartInfo("openssl",
        [
            "s_client", "-dtls1_2", "-connect", $"127.0.0.1:{((IPEndPoint)relay.Client.LocalEndPoint!).Port}",
            "-cert", certFile, "-key", keyFile, "-use_srtp", "SRTP_AES128_CM_SHA1_80", "-quiet",
        ])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            var state = await finalState;
            if (rightFingerprint)
            {
                Assert.Equal(DtlsState.Connected, state);
                Assert.Equal([DtlsState.New, DtlsState.Connecting, DtlsState.Connected], dtlsStates);
                var pem = transport.DtlsRemoteCert.Current();
                Assert.NotNull(pem);
                Assert.Contains("BEGIN CERTIFICATE", pem);
                Assert.Equal(X509Certificate2.CreateFromPem(pem).Thumbprint, X509Certificate2.CreateFromPemFile(certFile, keyFile).Thumbprint);
            }
            else
            {
                Assert.Equal(DtlsState.Failed, state);
                Assert.Equal([DtlsState.New, DtlsState.Connecting, DtlsState.Failed], dtlsStates);
                Assert.Null(transport.DtlsRemoteCert.Current());
            }
            Assert.Equal(state, Assert.IsType<WebRtcTransportStats>(await transport.GetStatsAsync()).DtlsState);
        }
        finally
        {
            try { openssl.Kill(); } catch (InvalidOperationException) { }
            stop.Cancel();
            ice.Dispose();
            relay.Dispose();
            await Task.WhenAll(toWorker, toClient).ContinueWith(_ => { });
        }
    }

    /// <summary>STUN (RFC 5389) binding requests as an ICE controlling agent sends them (RFC 8445).</summary>
    private static class Stun
    {
        public static byte[] BindingRequest(string username, string password, bool useCandidate)
        {
            var attributes = new List<byte>();
            Attribute(attributes, 0x0006, Encoding.UTF8.GetBytes(username));            // USERNAME
            Attribute(attributes, 0x0024, [0x6e, 0x00, 0x01, 0xff]);                     // PRIORITY
            Attribute(attributes, 0x802A, RandomNumberGenerator.GetBytes(8));             // ICE-CONTROLLING
            if (useCandidate) Attribute(attributes, 0x0025, []);                          // USE-CANDIDATE

            var header = new byte[20];
            BinaryPrimitives.WriteUInt16BigEndian(header, 0x0001);
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), 0x2112A442);
            RandomNumberGenerator.Fill(header.AsSpan(8, 12));

            // MESSAGE-INTEGRITY: HMAC-SHA1 over the message so far, its length counting the MI attribute.
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(attributes.Count + 24));
            var integrity = HMACSHA1.HashData(Encoding.UTF8.GetBytes(password), (byte[])[.. header, .. attributes]);
            Attribute(attributes, 0x0008, integrity);

            // FINGERPRINT: CRC-32 of the message so far, its length counting the fingerprint, XOR 0x5354554e.
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(attributes.Count + 8));
            uint crc = Crc32([.. header, .. attributes]) ^ 0x5354554e;
            var fingerprint = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(fingerprint, crc);
            Attribute(attributes, 0x8028, fingerprint);
            return [.. header, .. attributes];
        }

        private static void Attribute(List<byte> target, ushort type, byte[] value)
        {
            target.Add((byte)(type >> 8));
            target.Add((byte)type);
            target.Add((byte)(value.Length >> 8));
            target.Add((byte)value.Length);
            target.AddRange(value);
            while (target.Count % 4 != 0) target.Add(0);
        }

        private static uint Crc32(byte[] data)
        {
            uint crc = 0xFFFFFFFF;
            foreach (byte b in data)
            {
                crc ^= b;
                for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
            return ~crc;
        }
    }
}
