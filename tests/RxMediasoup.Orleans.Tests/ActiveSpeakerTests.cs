using System.Buffers.Binary;
using RxMediasoup.Orleans.Tests.Infrastructure;
using Xunit.Abstractions;
using static RxMediasoup.Orleans.Tests.Infrastructure.ClusterFixture;

namespace RxMediasoup.Orleans.Tests;

/// <summary>The dominant speaker across silos: one observer on the home router fed by every silo's audio.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class ActiveSpeakerTests(ClusterFixture fixture, ITestOutputHelper output)
{
    /// <summary>Dominant-speaker detection needs a few seconds of speech per switch (mediasoup's algorithm).</summary>
    private static readonly TimeSpan SwitchTimeout = TimeSpan.FromSeconds(25);
    private const int AudioLevelId = 1;

    [Fact]
    public async Task TheRoomsActiveSpeakerFollowsTheTalkerWhateverSiloServesIt()
    {
        const string room = "speaker-room";
        var (s1, s2, s3) = (Rooms(fixture.Silo(0)), Rooms(fixture.Silo(1)), Rooms(fixture.Silo(2)));
        await s1.JoinAsync(room, "listener");
        await s2.JoinAsync(room, "a");
        await s3.JoinAsync(room, "b");
        var home = await fixture.Cluster.GrainFactory.GetRoom(room).GetHomeRouterAsync();
        output.WriteLine($"home router on {home.Silo}");

        var (sendA, producerA) = await AudioProducerAsync(s2, room, "a", 3001);
        var (sendB, producerB) = await AudioProducerAsync(s3, room, "b", 3002);
        var speakers = new List<string?>();
        using var sub = s1.ActiveSpeaker(room).Subscribe(p => { lock (speakers) speakers.Add(p); });

        using var stop = new CancellationTokenSource();
        var talker = "a";
        var sending = Task.Run(async () =>
        {
            for (int seq = 0; !stop.IsCancellationRequested; seq++)
            {
                producerA.Send(Packet(seq, 3001, loud: Volatile.Read(ref talker) == "a"));
                producerB.Send(Packet(seq, 3002, loud: Volatile.Read(ref talker) == "b"));
                await Task.Delay(20);
            }
        });
        var homeSilo = Enumerable.Range(0, 3).Select(fixture.Silo).Single(h => h.SiloAddress.Equals(home.Silo));
        var homeRouter = Worker(homeSilo).Routers.Lookup(home.RouterId)!;
        try
        {
            // The home router's observer is fed by both silos' audio (piped in, same ids).
            await Wait.UntilAsync(() => homeRouter.RtpObservers.Items.OfType<ActiveSpeakerObserver>().Any(), SwitchTimeout, "the observer");
            var observed = Array.Empty<string>();
            await Wait.UntilAsync(() =>
            {
                var dump = homeRouter.DumpAsync().GetAwaiter().GetResult();
                observed = [.. dump.MapProducerIdObserverIds.Where(kv => kv.Value.Count > 0).Select(kv => kv.Key)];
                return observed.Length == 2;
            }, SwitchTimeout, "both producers observed on the home router");
            Assert.Equal(new[] { producerA.Id, producerB.Id }.Order(), observed.Order());
            await Wait.UntilAsync(() => { lock (speakers) return speakers.LastOrDefault() == "a"; }, SwitchTimeout, "a as the active speaker on silo 1");
            Volatile.Write(ref talker, "b");
            await Wait.UntilAsync(() => { lock (speakers) return speakers.LastOrDefault() == "b"; }, SwitchTimeout, "b as the active speaker on silo 1");
            Volatile.Write(ref talker, "a");
            await Wait.UntilAsync(() => { lock (speakers) return speakers.LastOrDefault() == "a"; }, SwitchTimeout, "a again");
        }
        finally
        {
            stop.Cancel();
            await sending;
        }
        lock (speakers) output.WriteLine($"active speakers seen on silo 1: {string.Join(" → ", speakers.Select(s => s ?? "none"))}");

        // The speaker leaving is no longer the active speaker (cleared; the observer may name b next).
        await sendA.CloseAsync();
        await s2.LeaveAsync(room, "a");
        await Wait.UntilAsync(() => { lock (speakers) return speakers.LastOrDefault() != "a"; }, TimeSpan.FromSeconds(10), "a no longer the active speaker");
        Assert.NotEqual("a", (await fixture.Cluster.GrainFactory.GetRoom(room).GetAsync()).ActiveSpeakerPeerId);
        await sendB.CloseAsync();
        await s3.LeaveAsync(room, "b");
        await s1.LeaveAsync(room, "listener");
        await homeRouter.CloseAsync();
    }

    private static async Task<(DirectTransport, DirectProducer)> AudioProducerAsync(IMediasoupRooms rooms, string room, string peer, uint ssrc)
    {
        var transport = await (await rooms.GetRouterAsync(room)).CreateDirectTransportAsync();
        var producer = (DirectProducer)await transport.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Audio,
            RtpParameters = Rtp.Parameters with
            {
                Encodings = [new() { Ssrc = ssrc }],
                HeaderExtensions = [new RtpHeaderExtensionParameters { Uri = RtpHeaderExtensionUri.SsrcAudioLevel, Id = AudioLevelId }],
            },
        });
        await rooms.PublishAsync(room, peer, producer);
        return (transport, producer);
    }

    /// <summary>
    /// An RTP packet with the ssrc-audio-level one-byte extension: a talker's speech (-5 to -19 dBov, voice), else a
    /// microphone's noise floor (-50 dBov).
    /// </summary>
    private static byte[] Packet(int seq, uint ssrc, bool loud)
    {
        var packet = new byte[12 + 8 + 40];
        packet[0] = 0x90; // V=2, X=1
        packet[1] = Rtp.PayloadType;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)seq);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)(960 * seq));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        packet[12] = 0xBE;
        packet[13] = 0xDE;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(14), 1); // one 32-bit word of extensions
        packet[16] = AudioLevelId << 4; // length 1
        // Talking is bursts (the algorithm takes a constant level for background noise): 360 ms of speech at varying
        // levels, 140 ms pauses. Pauses and the quiet peer carry a noise floor, not digital silence (-127): mediasoup's
        // dominant-speaker algorithm takes the lowest level it saw lately, silence aside, as the noise floor and counts
        // only levels 10 above it as speech, so with silent pauses the floor rose to the speech's own quieter levels and
        // only ~100 ms of each burst counted: a switch then took from seconds to over 25 s (a CI run timed out).
        bool speech = loud && seq % 25 < 18;
        packet[17] = speech ? (byte)(0x80 | (5 + seq % 15)) : (byte)50;
        packet.AsSpan(20).Fill(loud ? (byte)0x55 : (byte)0);
        return packet;
    }
}
