using Microsoft.Reactive.Testing;
using RxMediasoup.Tests.Transports;

namespace RxMediasoup.Testing.Tests;

/// <summary>Plain transports' connect, comedia and SRTP, recorded for <see cref="DifferentialTests"/> (SRTP keys are random: their length is recorded).</summary>
internal sealed class PlainScenario(Worker worker, TestScheduler? scheduler) : RecordedScenario(scheduler)
{
    private static readonly ListenInfo Local = new() { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" };

    public async Task<IReadOnlyList<string>> RunAsync()
    {
        var router = await Settle(worker.CreateRouterAsync());
        var srtp = await Settle(router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Local, RtcpMux = false, EnableSrtp = true }));
        var comedia = await Settle(router.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = Local, Comedia = true, EnableSrtp = true, SrtpCryptoSuite = SrtpCryptoSuite.AeadAes256Gcm,
        }));
        var bare = await Settle(router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Local }));
        Record("created", Srtp(srtp), Srtp(comedia), Srtp(bare));

        var gcm128Key = Convert.ToBase64String(new byte[28]);
        await RejectAsync("srtp without parameters", () => srtp.ConnectAsync("127.0.0.2", 4000, 4001));
        await RejectAsync("rtcp port missing", () => srtp.ConnectAsync("127.0.0.2", 4000, null,
            new SrtpParameters { CryptoSuite = SrtpCryptoSuite.AeadAes128Gcm, KeyBase64 = gcm128Key }));
        await RejectAsync("short key", () => srtp.ConnectAsync("127.0.0.2", 4000, 4001,
            new SrtpParameters { CryptoSuite = SrtpCryptoSuite.AeadAes128Gcm, KeyBase64 = Convert.ToBase64String(new byte[10]) }));
        await RejectAsync("srtp connect", () => srtp.ConnectAsync("127.0.0.2", 4000, 4001,
            new SrtpParameters { CryptoSuite = SrtpCryptoSuite.AeadAes128Gcm, KeyBase64 = gcm128Key }));
        Record("connected", Srtp(srtp), Remote(srtp.Tuple.Current()), Remote(srtp.RtcpTuple.Current()));
        await RejectAsync("connect twice", () => srtp.ConnectAsync("127.0.0.2", 4000, 4001,
            new SrtpParameters { CryptoSuite = SrtpCryptoSuite.AeadAes128Gcm, KeyBase64 = gcm128Key }));
        await RejectAsync("comedia connect", () => comedia.ConnectAsync(srtpParameters:
            new SrtpParameters { CryptoSuite = SrtpCryptoSuite.AeadAes256Gcm, KeyBase64 = Convert.ToBase64String(new byte[44]) }));
        Record("comedia", Srtp(comedia), Remote(comedia.Tuple.Current()));
        await RejectAsync("srtp parameters without srtp", () => bare.ConnectAsync("127.0.0.2", 4002, null,
            new SrtpParameters { CryptoSuite = SrtpCryptoSuite.AeadAes128Gcm, KeyBase64 = gcm128Key }));
        await RejectAsync("rtcp port with mux", () => bare.ConnectAsync("127.0.0.2", 4002, 4003));
        await RejectAsync("no ip", () => bare.ConnectAsync(port: 4002));
        await RejectAsync("bare connect", () => bare.ConnectAsync("127.0.0.2", 4002));
        var dump = Assert.IsType<PlainTransportDump>(await Settle(srtp.DumpAsync()));
        Record("dump", Remote(bare.Tuple.Current()), dump.SrtpParameters?.CryptoSuite, Convert.FromBase64String(dump.SrtpParameters?.KeyBase64 ?? "").Length);
        return Lines;
    }

    private static string Srtp(PlainTransport t)
        => t.SrtpParameters is { } p ? $"{p.CryptoSuite} key {Convert.FromBase64String(p.KeyBase64).Length}" : "no srtp";

    private static string Remote(TransportTuple? t) => t is null ? "none" : $"{t.RemoteIp}:{t.RemotePort} {t.Protocol}";
}
