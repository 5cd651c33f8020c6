using RxMediasoup.Orleans.Tests.Infrastructure;
using static RxMediasoup.Orleans.Tests.Infrastructure.ClusterFixture;

namespace RxMediasoup.Orleans.Tests;

/// <summary>Pipes with SRTP, listening on every interface and announcing their own address (its own cluster).</summary>
public sealed class SrtpPipeTests(SrtpClusterFixture fixture) : IClassFixture<SrtpClusterFixture>
{
    [Fact]
    public async Task RtpCrossesSilosOverSrtpPipesAnnouncingThePipeAddress()
    {
        const string room = "srtp-room";
        var (s1, s2) = (Rooms(fixture.Silo(0)), Rooms(fixture.Silo(1)));
        await s1.JoinAsync(room, "a");
        await s2.JoinAsync(room, "b");
        var send = await (await s1.GetRouterAsync(room)).CreateDirectTransportAsync();
        var producer = (DirectProducer)await send.ProduceAsync(new ProducerOptions { Kind = MediaKind.Audio, RtpParameters = Rtp.Parameters });
        await s1.PublishAsync(room, "a", producer);

        var router2 = await s2.GetRouterAsync(room);
        var local = await s2.GetConsumableProducerAsync(room, producer.Id);
        var recv = await router2.CreateDirectTransportAsync();
        var consumer = await recv.ConsumeAsync(new ConsumerOptions { ProducerId = local.Id, RtpCapabilities = router2.RtpCapabilities });
        using var counter = new RtpCounter(consumer);
        const int n = 100;
        for (int i = 0; i < n; i++)
        {
            producer.Send(Rtp.Packet(i));
            await Task.Delay(4);
        }
        await Wait.UntilAsync(() => counter.Count >= n * 95 / 100, TimeSpan.FromSeconds(5), "95 % of the packets over SRTP");

        var pipe = router2.Transports.Items.OfType<PipeTransport>().Single();
        Assert.NotNull(pipe.SrtpParameters);
        var tuple = pipe.Tuple.Value;
        Assert.Equal("127.0.0.1", tuple.LocalAddress); // the announced address, not the 0.0.0.0 listen IP

        await send.CloseAsync();
        await recv.CloseAsync();
        await s1.LeaveAsync(room, "a");
        await s2.LeaveAsync(room, "b");
    }

    [Fact]
    public void BadOptionsNameTheSetting()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        var e = Assert.Throws<ArgumentException>(() => services.AddMediasoupRooms(o => o.PipeListenIp = "not-an-ip"));
        Assert.Equal(nameof(MediasoupRoomsOptions.PipeListenIp), e.ParamName);
        e = Assert.Throws<ArgumentException>(() => services.AddMediasoupRooms(o => o.ActiveSpeakerInterval = -1));
        Assert.Equal(nameof(MediasoupRoomsOptions.ActiveSpeakerInterval), e.ParamName);
    }
}
