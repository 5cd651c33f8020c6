using System.Text.Json;
using System.Text.Json.Nodes;

namespace RxMediasoup.RoomServerTests;

/// <summary>
/// Bad signalling input gets an error reply with a stable code and a message naming the field (PROTOCOL.md,
/// "Errors"); the socket stays usable and the server keeps serving. Asserted against a real Room process.
/// </summary>
public sealed class BadInputTests(RoomServerFixture fixture) : IClassFixture<RoomServerFixture>
{
    private Uri Ws => fixture.Room.WebSocketUrl;

    private static string JsonErrorOf(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            return e.Message;
        }
        throw new InvalidOperationException($"'{text}' parsed");
    }

    [Fact(Timeout = 60_000)]
    public async Task MessagesThatAreNotRequestsGetErrorRepliesWithoutAnIdAndTheSocketStaysUsable()
    {
        await using var client = await SignallingClient.ConnectAsync(Ws);

        await client.SendRawAsync("{not json");
        var reply = await client.NextReplyAsync();
        Assert.Null(reply["id"]);
        Replies.AssertError(reply, "malformed_json", $"the message is not valid JSON: {JsonErrorOf("{not json")}");

        await client.SendRawAsync("[1,2]");
        Replies.AssertError(await client.NextReplyAsync(), "invalid_request", "a request must be a JSON object, not an array");

        await client.SendRawAsync("{\"method\":\"join\"}");
        Replies.AssertError(await client.NextReplyAsync(), "missing_field", "id is required (an integer)");

        await client.SendRawAsync("{\"id\":\"7\",\"method\":\"join\"}");
        Replies.AssertError(await client.NextReplyAsync(), "wrong_type", "id must be an integer, not a string");

        await client.SendRawAsync("{\"id\":1.5,\"method\":\"join\"}");
        Replies.AssertError(await client.NextReplyAsync(), "wrong_type", "id must be an integer, not 1.5");

        await client.SendBinaryAsync([1, 2, 3]);
        Replies.AssertError(await client.NextReplyAsync(), "invalid_request", "messages must be text frames holding JSON, not binary");

        // The id is known from here on: replies carry it.
        await client.SendRawAsync("{\"id\":8}");
        reply = await client.NextReplyAsync();
        Assert.Equal(8, (long?)reply["id"]);
        Replies.AssertError(reply, "missing_field", "method is required (a string)");

        await client.SendRawAsync("{\"id\":9,\"method\":42}");
        Replies.AssertError(await client.NextReplyAsync(), "wrong_type", "method must be a string, not a number");

        await client.SendRawAsync("{\"id\":10,\"method\":\"join\",\"data\":\"room\"}");
        Replies.AssertError(await client.NextReplyAsync(), "wrong_type", "data must be an object, not a string");

        // Still usable: a valid join after all of that.
        var joined = await client.RequestAsync("join", new { roomId = "bad-frames", peerId = "p1" });
        Assert.True((bool?)joined["ok"], joined.ToJsonString());
    }

    [Fact(Timeout = 60_000)]
    public async Task AMessageOverTheSizeLimitIsDroppedWithAnErrorAndTheNextOneIsServed()
    {
        await using var client = await SignallingClient.ConnectAsync(Ws);
        string huge = "{\"id\":1,\"method\":\"join\",\"data\":{\"roomId\":\"" + new string('x', 70_000) + "\",\"peerId\":\"p\"}}";
        await client.SendRawAsync(huge);
        var reply = await client.NextReplyAsync();
        Assert.Null(reply["id"]);
        Replies.AssertError(reply, "message_too_large", "the message is larger than the limit of 65536 bytes");

        var joined = await client.RequestAsync("join", new { roomId = "big-frames", peerId = "p1" });
        Assert.True((bool?)joined["ok"], joined.ToJsonString());
    }

    [Fact(Timeout = 60_000)]
    public async Task UnknownMethodsMissingAndWrongTypedFieldsNameTheField()
    {
        await using var client = await SignallingClient.ConnectAsync(Ws);
        Replies.AssertError(await client.RequestAsync("fly"), "unknown_method",
            "method 'fly' is not one of: join, createWebRtcTransport, connectWebRtcTransport, produce, produceData, closeProducer, startConsuming, resumeConsumer, setPreferredLayers");
        Replies.AssertError(await client.RequestAsync("produce", new { }), "not_joined", "join a room before calling 'produce'");
        Replies.AssertError(await client.RequestAsync("join", new { peerId = "p" }), "missing_field", "data.roomId is required (a string)");
        Replies.AssertError(await client.RequestAsync("join", new { roomId = "r", peerId = 5 }), "wrong_type", "data.peerId must be a string, not a number");
        Replies.AssertError(await client.RequestAsync("join", new { roomId = "r", peerId = "a b" }), "invalid_value",
            "data.peerId must be 1 to 64 letters, digits, '-', '_' or '.'");
        Assert.True((bool?)(await client.RequestAsync("join", new { roomId = "fields", peerId = "p1" }))["ok"]);
        Replies.AssertError(await client.RequestAsync("join", new { roomId = "fields", peerId = "p1" }), "already_joined",
            "this socket already joined room 'fields' as 'p1'");

        Replies.AssertError(await client.RequestAsync("createWebRtcTransport", new { direction = "up" }), "invalid_value",
            "data.direction must be one of 'send', 'recv', not 'up'");
        Replies.AssertError(await client.RequestAsync("createWebRtcTransport", new { }), "missing_field",
            "data.direction is required (a string)");
        var send = await client.RequestAsync("createWebRtcTransport", new { direction = "send" });
        string sendId = (string)send["data"]!["id"]!;
        var recv = await client.RequestAsync("createWebRtcTransport", new { direction = "recv" });
        string recvId = (string)recv["data"]!["id"]!;

        Replies.AssertError(await client.RequestAsync("connectWebRtcTransport", new { transportId = sendId }), "missing_field",
            "data.dtlsParameters is required (an object (DtlsParameters))");
        Replies.AssertError(await client.RequestAsync("connectWebRtcTransport", new { transportId = sendId, dtlsParameters = new[] { 1 } }), "wrong_type",
            "data.dtlsParameters must be an object (DtlsParameters), not an array");
        Replies.AssertError(await client.RequestAsync("produce", new { transportId = sendId, kind = "smell", rtpParameters = new { } }), "invalid_value",
            "data.kind must be one of 'audio', 'video', not 'smell'");
        Replies.AssertError(await client.RequestAsync("produce", new { transportId = recvId, kind = "audio", rtpParameters = new { } }), "invalid_state",
            $"data.transportId '{recvId}' is a recv transport; this method needs a send one");
        Replies.AssertError(await client.RequestAsync("startConsuming", new { transportId = sendId, rtpCapabilities = new { } }), "invalid_state",
            $"data.transportId '{sendId}' is a send transport; this method needs a recv one");

        // A shape mediasoup's JSON does not accept: the deserializer's own words follow the field's name.
        string expected;
        try
        {
            JsonSerializer.Deserialize<RtpParameters>("{\"codecs\":\"opus\"}", MediasoupJson.Options);
            throw new InvalidOperationException("deserialized");
        }
        catch (JsonException e)
        {
            expected = $"data.rtpParameters is not a valid RtpParameters: {e.Message}";
        }
        Replies.AssertError(await client.RequestAsync("produce", new { transportId = sendId, kind = "audio", rtpParameters = new { codecs = "opus" } }),
            "wrong_type", expected);

        // Parameters mediasoup refuses: the library's/worker's message is passed on.
        var rejected = await client.RequestAsync("produce", new JsonObject
        {
            ["transportId"] = sendId,
            ["kind"] = "audio",
            ["rtpParameters"] = JsonNode.Parse("{\"codecs\":[{\"mimeType\":\"audio/nonesuch\",\"payloadType\":100,\"clockRate\":48000}],\"encodings\":[{\"ssrc\":1111}]}"),
        });
        Assert.Equal("rejected", (string?)rejected["error"]?["code"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)rejected["error"]?["message"]));

        Replies.AssertError(await client.RequestAsync("setPreferredLayers", new { consumerId = "c1", spatialLayer = "high" }), "not_found",
            "data.consumerId 'c1' is not a consumer of this peer");
        Assert.False(fixture.Room.Process.HasExited);
    }

    [Fact(Timeout = 60_000)]
    public async Task AnotherPeersIdsAreNotFoundForThisPeer()
    {
        var (alice, _) = await SignallingClient.JoinAsync(Ws, "ownership", "alice");
        var (mallory, _) = await SignallingClient.JoinAsync(Ws, "ownership", "mallory");
        await using (alice)
        await using (mallory)
        {
            var transport = await alice.RequestAsync("createWebRtcTransport", new { direction = "send" });
            string aliceTransport = (string)transport["data"]!["id"]!;
            var dtls = transport["data"]!["dtlsParameters"]!.DeepClone();

            Replies.AssertError(await mallory.RequestAsync("connectWebRtcTransport", new JsonObject { ["transportId"] = aliceTransport, ["dtlsParameters"] = dtls }),
                "not_found", $"data.transportId '{aliceTransport}' is not a transport of this peer");
            Replies.AssertError(await mallory.RequestAsync("produce", new { transportId = aliceTransport, kind = "audio", rtpParameters = new { codecs = Array.Empty<object>() } }),
                "not_found", $"data.transportId '{aliceTransport}' is not a transport of this peer");
            Replies.AssertError(await mallory.RequestAsync("closeProducer", new { producerId = aliceTransport }),
                "not_found", $"data.producerId '{aliceTransport}' is not a producer of this peer");
            Replies.AssertError(await mallory.RequestAsync("resumeConsumer", new { consumerId = aliceTransport }),
                "not_found", $"data.consumerId '{aliceTransport}' is not a consumer of this peer");

            // Alice's transport is untouched: she can still connect it.
            var connected = await alice.RequestAsync("connectWebRtcTransport", new JsonObject { ["transportId"] = aliceTransport, ["dtlsParameters"] = ClientDtls() });
            Assert.True((bool?)connected["ok"], connected.ToJsonString());
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task MoreTransportsThanThePerPeerLimitAreRefused()
    {
        var (client, _) = await SignallingClient.JoinAsync(Ws, "limits", "greedy");
        await using (client)
        {
            for (int i = 0; i < 4; i++)
                Assert.True((bool?)(await client.RequestAsync("createWebRtcTransport", new { direction = "recv" }))["ok"]);
            Replies.AssertError(await client.RequestAsync("createWebRtcTransport", new { direction = "recv" }), "limit_exceeded",
                "a peer may have at most 4 transports");
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task OnlyThePageTheSocketTheHealthEndpointAndTheMetricsAreServedFromTheContentRoot()
    {
        // The process runs with the temp directory as its working directory: the page comes from the recorded content root.
        using var http = new HttpClient { BaseAddress = fixture.Room.BaseUrl };
        var page = await http.GetAsync("/");
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/dist/page.js", await page.Content.ReadAsStringAsync());
        var bundle = await http.GetAsync("/dist/page.js");
        Assert.Equal(System.Net.HttpStatusCode.OK, bundle.StatusCode);
        Assert.True((await bundle.Content.ReadAsByteArrayAsync()).Length > 100_000, "the bundle holds mediasoup-client");
        foreach (string path in new[] { "/Room.dll", "/package.json", "/Program.cs", "/appsettings.json", "/page/main.js", "/node_modules/mediasoup-client/package.json" })
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(path)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await http.GetAsync("/ws")).StatusCode);
        var health = await http.GetAsync("/health");
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        var metrics = await http.GetAsync("/metrics");
        Assert.Equal(System.Net.HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("rxmediasoup_workers{", await metrics.Content.ReadAsStringAsync());
    }

    /// <summary>A client's DTLS parameters (any well-formed fingerprint: nothing connects to it here).</summary>
    private static JsonNode ClientDtls() => JsonNode.Parse(
        "{\"role\":\"client\",\"fingerprints\":[{\"algorithm\":\"sha-256\",\"value\":\"" +
        string.Join(':', Enumerable.Repeat("AB", 32)) + "\"}]}")!;
}
