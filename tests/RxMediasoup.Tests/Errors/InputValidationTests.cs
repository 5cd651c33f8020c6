using static RxMediasoup.Tests.Transports.TransportTestHelpers;

namespace RxMediasoup.Tests.Errors;

/// <summary>
/// Regressions (issue 7 §6.3, §6.4): bad input rejected before anything is sent, with an
/// <see cref="ArgumentException"/> naming the field (a non-Base64 SRTP key, a NUL in a listen IP or announced address).
/// </summary>
public sealed class InputValidationTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync();
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    [Theory]
    [InlineData("not base64!")]
    [InlineData("ZnQ3eWJraDg0d3ZoYzM5cXN1Y2pnaHU5NWxrZTV")]
    public async Task ANonBase64SrtpKeyIsRejectedNamingTheFieldBeforeConnecting(string key)
    {
        var transport = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Udp(), EnableSrtp = true });
        var bad = new SrtpParameters { CryptoSuite = SrtpCryptoSuite.AesCm128HmacSha1_80, KeyBase64 = key };
        var e = await Assert.ThrowsAsync<ArgumentException>(() => transport.ConnectAsync("127.0.0.1", 4000, srtpParameters: bad));
        Assert.Equal("srtpParameters", e.ParamName);
        Assert.Contains("keyBase64", e.Message);
        Assert.Contains("SrtpParameters.KeyBase64", e.Message);
        // Nothing reached the worker: the transport is not connected, so a valid connect still succeeds.
        await transport.ConnectAsync("127.0.0.1", 4000, srtpParameters: bad with { KeyBase64 = transport.SrtpParameters!.KeyBase64 });

        var pipe = await _router.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = Udp(), EnableSrtp = true });
        e = await Assert.ThrowsAsync<ArgumentException>(() => pipe.ConnectAsync("127.0.0.1", 4001, bad with { CryptoSuite = SrtpCryptoSuite.AeadAes256Gcm }));
        Assert.Equal("srtpParameters", e.ParamName);
        Assert.Contains("keyBase64", e.Message);
    }

    [Theory]
    [InlineData("127.0.0.1\0evil", null, ".ip")]
    [InlineData("127.0.0.1", "1.2.3.4\0", ".announcedAddress")]
    public async Task ANulInAListenAddressIsRejectedNamingTheField(string ip, string? announcedAddress, string field)
    {
        var info = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = ip, AnnouncedAddress = announcedAddress };

        var e = await Assert.ThrowsAsync<ArgumentException>(() => _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = info }));
        Assert.Equal("ListenInfo", e.ParamName);
        Assert.Contains("ListenInfo" + field, e.Message);
        Assert.Contains("NUL", e.Message);

        e = await Assert.ThrowsAsync<ArgumentException>(() => _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { ListenInfos = [Udp(), info] }));
        Assert.Equal("ListenInfos[1]", e.ParamName);
        Assert.Contains("ListenInfos[1]" + field, e.Message);

        e = await Assert.ThrowsAsync<ArgumentException>(() => _worker.CreateWebRtcServerAsync(new WebRtcServerOptions { ListenInfos = [info] }));
        Assert.Contains(field, e.Message);

        Assert.Empty((await _router.DumpAsync()).TransportIds);
    }
}
