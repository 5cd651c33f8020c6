using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RxMediasoup.Samples.Room;

namespace RxMediasoup.RoomServerTests;

/// <summary>
/// The hosting surface other samples use, in-process: a server peer's producer and data producer (here on a
/// DirectTransport) reach a WebSocket peer of the room exactly as a browser peer's would (newConsumer,
/// newDataConsumer), and leave with the server peer.
/// </summary>
public sealed class HostingTests
{
    [Fact(Timeout = 90_000)]
    public async Task AServerPeersProducersAreOfferedToBrowserPeersAndLeaveWithIt()
    {
        var app = RoomServer.Build(RoomServer.CreateBuilder(["--urls", "http://127.0.0.1:0", "--workers", "1"]));
        await using var _ = app;
        var urls = await RoomServer.StartAsync(app);
        try
        {
            var ws = new Uri(urls[0].Replace("http://", "ws://", StringComparison.Ordinal) + "/ws");
            var rooms = app.Services.GetRequiredService<Rooms>();
            var room = await rooms.GetOrCreateAsync("hosted");
            var serverPeer = await room.JoinServerPeerAsync("bot");
            var direct = await room.Router.Value.CreateDirectTransportAsync();
            var video = await direct.ProduceAsync(new ProducerOptions
            {
                Kind = MediaKind.Video,
                RtpParameters = new RtpParameters
                {
                    Codecs = [new RtpCodecParameters { MimeType = "video/VP8", PayloadType = 101, ClockRate = 90000 }],
                    Encodings = [new RtpEncodingParameters { Ssrc = 22222222 }],
                },
            });
            var chat = await direct.ProduceDataAsync(new DataProducerOptions { Label = "chat" });
            serverPeer.AddProducer(video);
            serverPeer.AddDataProducer(chat);
            Assert.Contains(room.Producers.Items, p => p.PeerId == "bot" && p.Producer == video);

            var (browser, joined) = await SignallingClient.JoinAsync(ws, "hosted", "browser");
            await using (browser)
            {
                string recv = (string)(await browser.RequestAsync("createWebRtcTransport", new { direction = "recv" }))["data"]!["id"]!;
                var consuming = await browser.RequestAsync("startConsuming", new JsonObject
                {
                    ["transportId"] = recv,
                    ["rtpCapabilities"] = joined["data"]!["routerRtpCapabilities"]!.DeepClone(),
                });
                Assert.True((bool?)consuming["ok"], consuming.ToJsonString());

                var peerJoined = await NotificationAsync(browser, "peerJoined");
                Assert.Equal("bot", (string?)peerJoined["peerId"]);
                Assert.True((bool?)peerJoined["server"]);
                var newConsumer = await NotificationAsync(browser, "newConsumer");
                Assert.Equal(("bot", video.Id, "video"), ((string?)newConsumer["peerId"], (string?)newConsumer["producerId"], (string?)newConsumer["kind"]));
                var newDataConsumer = await NotificationAsync(browser, "newDataConsumer");
                Assert.Equal(("bot", chat.Id, "chat"), ((string?)newDataConsumer["peerId"], (string?)newDataConsumer["dataProducerId"], (string?)newDataConsumer["label"]));

                // The server peer leaves: the browser peer is told and its consumers of the bot close.
                await serverPeer.DisposeAsync();
                Assert.Equal("bot", (string?)(await NotificationAsync(browser, "peerLeft"))["peerId"]);
                Assert.Equal((string?)newConsumer["id"], (string?)(await NotificationAsync(browser, "consumerClosed"))["consumerId"]);
                Assert.Equal((string?)newDataConsumer["id"], (string?)(await NotificationAsync(browser, "dataConsumerClosed"))["dataConsumerId"]);
                Assert.Empty(room.Producers.Items);
                Assert.False(video.IsClosed); // the host's to close
            }
            await direct.CloseAsync();
        }
        finally
        {
            await app.StopAsync();
        }
        Assert.True(app.Services.GetRequiredService<Rooms>().Workers.IsClosed);
    }

    /// <summary>The data of the next notification with this name (earlier ones of other names are skipped).</summary>
    private static async Task<JsonObject> NotificationAsync(SignallingClient client, string name)
    {
        int seen = 0;
        while (true)
        {
            for (; seen < client.Notifications.Count; seen++)
            {
                if ((string?)client.Notifications[seen]["notification"] != name) continue;
                var found = client.Notifications[seen];
                client.Notifications.RemoveAt(seen);
                return found["data"]!.AsObject();
            }
            var message = await client.ReceiveAsync(TimeSpan.FromSeconds(10)) ?? throw new InvalidOperationException($"socket closed before {name}");
            client.Notifications.Add(message);
        }
    }
}
