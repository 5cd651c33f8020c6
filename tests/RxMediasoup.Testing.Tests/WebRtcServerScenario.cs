using Microsoft.Reactive.Testing;

namespace RxMediasoup.Testing.Tests;

/// <summary>
/// A WebRtcServer and WebRtcTransports on it, recorded for <see cref="DifferentialTests"/> (ports and ICE secrets
/// differ between any two runs: candidates and sockets are recorded without them).
/// </summary>
internal sealed class WebRtcServerScenario(Worker worker, TestScheduler? scheduler) : RecordedScenario(scheduler)
{
    private static readonly PortRange Range = new(42000, 42999);

    public async Task<IReadOnlyList<string>> RunAsync()
    {
        var server = await Settle(worker.CreateWebRtcServerAsync(new WebRtcServerOptions
        {
            ListenInfos =
            [
                new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1", PortRange = Range },
                new ListenInfo { Protocol = TransportProtocol.Tcp, Ip = "127.0.0.1", PortRange = Range },
                new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1", AnnouncedAddress = "9.9.9.9", ExposeInternalIp = true, PortRange = Range },
            ],
        }));
        Names[server.Id] = "server";
        var router = await Settle(worker.CreateRouterAsync());
        Names[router.Id] = "router";
        var plain = await Settle(router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { WebRtcServer = server }));
        Names[plain.Id] = "t1";
        var tcp = await Settle(router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            WebRtcServer = server, EnableTcp = true, PreferTcp = true,
        }));
        Names[tcp.Id] = "t2";
        Record("candidates", Candidates(plain), Candidates(tcp), plain.IceRole, tcp.DtlsParameters.Role,
            $"{plain.IceParameters.UsernameFragment.Length}/{plain.IceParameters.Password.Length}");
        Record("server dump", ServerPart(await Settle(server.DumpAsync())));
        Record("worker dump", (await Settle(worker.DumpAsync())).WebRtcServerIds.Select(id => Names.GetValueOrDefault(id, id)).ToList());

        await Settle(plain.CloseAsync());
        Record("after transport close", ServerPart(await Settle(server.DumpAsync())));
        await Settle(server.CloseAsync());
        await WaitAsync(() => tcp.IsClosed);
        Record("after server close", RouterPart(await Settle(router.DumpAsync())), (await Settle(worker.DumpAsync())).WebRtcServerIds.Count);
        return Lines;
    }

    private static string Candidates(WebRtcTransport transport) => string.Join(", ", transport.IceCandidates.Select(c =>
        $"{c.Foundation} {c.Priority} {c.Address} {c.Protocol} {c.Type} {c.TcpType}"));

    private string ServerPart(WebRtcServerDump d) => string.Join(" ",
    [
        Names.GetValueOrDefault(d.Id, d.Id),
        .. d.UdpSockets.Select(s => $"udp {s.Ip}"), .. d.TcpServers.Select(s => $"tcp {s.Ip}"),
        .. d.WebRtcTransportIds.Select(id => Names.GetValueOrDefault(id, id)).Order(StringComparer.Ordinal),
        .. d.LocalIceUsernameFragments.Select(f => $"ufrag({f.LocalIceUsernameFragment.Length})->{Names.GetValueOrDefault(f.WebRtcTransportId, f.WebRtcTransportId)}")
            .Order(StringComparer.Ordinal),
    ]);
}
