using System.Text.Json;
using System.Text.Json.Nodes;
using static RxMediasoup.Tests.OrtcModel.OrtcTestData;

namespace RxMediasoup.Tests.OrtcModel;

/// <summary>System.Text.Json round trips with mediasoup's and mediasoup-client's payloads.</summary>
public class JsonRoundTripTests
{
    /// <summary>A Chrome device's <c>device.rtpCapabilities</c> as mediasoup-client 3 sends it (mimeType before kind, as it writes them).</summary>
    private const string ChromeRtpCapabilities = """
        {
          "codecs": [
            { "mimeType": "audio/opus", "kind": "audio", "preferredPayloadType": 100, "clockRate": 48000, "channels": 2,
              "parameters": { "minptime": 10, "useinbandfec": 1 },
              "rtcpFeedback": [ { "type": "transport-cc", "parameter": "" } ] },
            { "mimeType": "video/VP8", "kind": "video", "preferredPayloadType": 101, "clockRate": 90000,
              "parameters": {},
              "rtcpFeedback": [
                { "type": "goog-remb", "parameter": "" }, { "type": "transport-cc", "parameter": "" },
                { "type": "ccm", "parameter": "fir" }, { "type": "nack", "parameter": "" }, { "type": "nack", "parameter": "pli" } ] },
            { "mimeType": "video/rtx", "kind": "video", "preferredPayloadType": 102, "clockRate": 90000,
              "parameters": { "apt": 101 }, "rtcpFeedback": [] },
            { "mimeType": "video/H264", "kind": "video", "preferredPayloadType": 103, "clockRate": 90000,
              "parameters": { "level-asymmetry-allowed": 1, "packetization-mode": 1, "profile-level-id": "42e01f" },
              "rtcpFeedback": [
                { "type": "goog-remb", "parameter": "" }, { "type": "transport-cc", "parameter": "" },
                { "type": "ccm", "parameter": "fir" }, { "type": "nack", "parameter": "" }, { "type": "nack", "parameter": "pli" } ] },
            { "mimeType": "video/rtx", "kind": "video", "preferredPayloadType": 104, "clockRate": 90000,
              "parameters": { "apt": 103 }, "rtcpFeedback": [] }
          ],
          "headerExtensions": [
            { "kind": "audio", "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "preferredId": 1, "preferredEncrypt": false, "direction": "sendrecv" },
            { "kind": "video", "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "preferredId": 1, "preferredEncrypt": false, "direction": "sendrecv" },
            { "kind": "audio", "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "preferredId": 4, "preferredEncrypt": false, "direction": "sendrecv" },
            { "kind": "video", "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "preferredId": 4, "preferredEncrypt": false, "direction": "sendrecv" },
            { "kind": "video", "uri": "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", "preferredId": 5, "preferredEncrypt": false, "direction": "sendrecv" },
            { "kind": "audio", "uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "preferredId": 6, "preferredEncrypt": false, "direction": "sendrecv" },
            { "kind": "video", "uri": "urn:3gpp:video-orientation", "preferredId": 8, "preferredEncrypt": false, "direction": "sendrecv" },
            { "kind": "video", "uri": "urn:ietf:params:rtp-hdrext:toffset", "preferredId": 9, "preferredEncrypt": false, "direction": "sendrecv" },
            { "kind": "audio", "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time", "preferredId": 10, "preferredEncrypt": false, "direction": "sendrecv" },
            { "kind": "video", "uri": "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay", "preferredId": 11, "preferredEncrypt": false, "direction": "sendrecv" }
          ]
        }
        """;

    /// <summary>A Chrome simulcast VP8 <c>produce</c> payload (RID-based, RTX as a codec) as mediasoup-client 3 sends it.</summary>
    private const string ChromeSimulcastVp8RtpParameters = """
        {
          "codecs": [
            { "mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": {},
              "rtcpFeedback": [
                { "type": "goog-remb", "parameter": "" }, { "type": "transport-cc", "parameter": "" },
                { "type": "ccm", "parameter": "fir" }, { "type": "nack", "parameter": "" }, { "type": "nack", "parameter": "pli" } ] },
            { "mimeType": "video/rtx", "payloadType": 97, "clockRate": 90000, "parameters": { "apt": 96 }, "rtcpFeedback": [] }
          ],
          "headerExtensions": [
            { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 4, "encrypt": false, "parameters": {} },
            { "uri": "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", "id": 10, "encrypt": false, "parameters": {} },
            { "uri": "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id", "id": 11, "encrypt": false, "parameters": {} },
            { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 2, "encrypt": false, "parameters": {} },
            { "uri": "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", "id": 3, "encrypt": false, "parameters": {} },
            { "uri": "urn:3gpp:video-orientation", "id": 13, "encrypt": false, "parameters": {} },
            { "uri": "urn:ietf:params:rtp-hdrext:toffset", "id": 14, "encrypt": false, "parameters": {} }
          ],
          "encodings": [
            { "rid": "r0", "scalabilityMode": "L1T3", "maxBitrate": 100000 },
            { "rid": "r1", "scalabilityMode": "L1T3", "maxBitrate": 300000 },
            { "rid": "r2", "scalabilityMode": "L1T3", "maxBitrate": 900000, "dtx": true }
          ],
          "rtcp": { "cname": "1xj3+Vr8ScQ7wYxh", "reducedSize": true },
          "mid": "1",
          "msid": "b5bd3ca6-3e0e-4a5d-9d1b-5ba12ed1f9c4 0e8e9a7e-2c5b-4d45-a9e8-70d9f3a3d9f1"
        }
        """;

    /// <summary>An SSRC-based simulcast VP8 payload (Safari/legacy), with RTX SSRCs per encoding and SSRCs above 2^31.</summary>
    private const string SsrcSimulcastVp8RtpParameters = """
        {
          "mid": "0",
          "codecs": [
            { "mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": { "x-google-start-bitrate": 1000 },
              "rtcpFeedback": [ { "type": "nack", "parameter": "" }, { "type": "nack", "parameter": "pli" } ] },
            { "mimeType": "video/rtx", "payloadType": 97, "clockRate": 90000, "parameters": { "apt": 96 }, "rtcpFeedback": [] }
          ],
          "headerExtensions": [ { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 1, "encrypt": false, "parameters": {} } ],
          "encodings": [
            { "ssrc": 3004364195, "rtx": { "ssrc": 1117230416 }, "scalabilityMode": "L1T3", "maxBitrate": 150000 },
            { "ssrc": 3004364196, "rtx": { "ssrc": 1117230417 }, "scalabilityMode": "L1T3", "maxBitrate": 500000 },
            { "ssrc": 4294967295, "rtx": { "ssrc": 1117230418 }, "scalabilityMode": "L1T3", "maxBitrate": 1500000 }
          ],
          "rtcp": { "cname": "Xc2d1E2kZ3bdXz9L", "reducedSize": true }
        }
        """;

    private static void AssertRoundTrips<T>(string json)
    {
        var value = JsonSerializer.Deserialize<T>(json, MediasoupJson.Options);
        Assert.NotNull(value);

        var written = JsonSerializer.Serialize(value, MediasoupJson.Options);
        AssertJsonEqual(json, written);

        // And the written JSON reads back into an equal record.
        Assert.Equal(value, JsonSerializer.Deserialize<T>(written, MediasoupJson.Options));
    }

    private static void AssertJsonEqual(string expected, string actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        var actualNode = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(expectedNode, actualNode), $"expected:\n{expectedNode}\nactual:\n{actualNode}");
    }

    [Fact]
    public void ChromeRtpCapabilitiesRoundTrip() => AssertRoundTrips<RtpCapabilities>(ChromeRtpCapabilities);

    [Fact]
    public void ChromeSimulcastVp8RtpParametersRoundTrip() => AssertRoundTrips<RtpParameters>(ChromeSimulcastVp8RtpParameters);

    [Fact]
    public void SsrcSimulcastVp8RtpParametersRoundTrip() => AssertRoundTrips<RtpParameters>(SsrcSimulcastVp8RtpParameters);

    [Fact]
    public void CodecParametersKeepNumbersAsNumbersAndStringsAsStrings()
    {
        const string json = """{"packetization-mode":1,"profile-level-id":"42e01f","x-google-max-bitrate":0.5,"apt":"96"}""";
        var parameters = JsonSerializer.Deserialize<IReadOnlyDictionary<string, RtpParameterValue>>(json, MediasoupJson.Options)!;

        Assert.Equal(RtpParameterValue.FromNumber(1), parameters["packetization-mode"]);
        Assert.Equal(RtpParameterValue.FromString("42e01f"), parameters["profile-level-id"]);
        Assert.Equal(0.5, parameters["x-google-max-bitrate"].AsNumber());
        Assert.NotEqual<RtpParameterValue>(96, parameters["apt"]); // A string stays a string.

        Assert.Equal(json, JsonSerializer.Serialize(parameters, MediasoupJson.Options));
    }

    [Fact]
    public void ParsedChromePayloadsNegotiate()
    {
        var router = Ortc.GenerateRouterRtpCapabilities(
        [
            Opus(), Vp8(), H264Capability(("packetization-mode", 1), ("profile-level-id", "42e01f"), ("level-asymmetry-allowed", 1)),
        ]);
        var producer = JsonSerializer.Deserialize<RtpParameters>(ChromeSimulcastVp8RtpParameters, MediasoupJson.Options)!;
        var device = JsonSerializer.Deserialize<RtpCapabilities>(ChromeRtpCapabilities, MediasoupJson.Options)!;

        var consumable = Consumable(MediaKind.Video, producer, router);
        Assert.True(Ortc.CanConsume(consumable, device));

        var consumer = Ortc.GetConsumerRtpParameters(consumable, device, pipe: false, enableRtx: true);
        Assert.Equal(["video/VP8", "video/rtx"], consumer.Codecs.Select(c => c.MimeType));
        Assert.Equal("L3T3", consumer.Encodings[0].ScalabilityMode);
        Assert.Equal(900000, consumer.Encodings[0].MaxBitrate);
        Assert.Equal("1xj3+Vr8ScQ7wYxh", consumer.Rtcp.Cname);
        Assert.Equal(producer.Msid, consumer.Msid);
    }

    [Fact]
    public void RouterCapabilitiesSerializeLikeNode()
    {
        // test-ortc.js's expected VP8 RTX codec, as Node's JSON.stringify writes it.
        var caps = Ortc.GenerateRouterRtpCapabilities([Vp8(preferredPayloadType: 125)]);
        AssertJsonEqual(
            """{"kind":"video","mimeType":"video/rtx","preferredPayloadType":100,"clockRate":90000,"parameters":{"apt":125},"rtcpFeedback":[]}""",
            JsonSerializer.Serialize(caps.Codecs[1], MediasoupJson.Options));

        var opus = Ortc.GenerateRouterRtpCapabilities([Opus()]).Codecs[0];
        Assert.Equal(
            """{"kind":"audio","mimeType":"audio/opus","preferredPayloadType":100,"clockRate":48000,"channels":2,"parameters":{},"rtcpFeedback":[{"type":"nack","parameter":""},{"type":"transport-cc","parameter":""}]}""",
            JsonSerializer.Serialize(opus, MediasoupJson.Options));

        Assert.Equal(
            """{"kind":"video","uri":"https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension","preferredId":7,"preferredEncrypt":false,"direction":"recvonly"}""",
            JsonSerializer.Serialize(caps.HeaderExtensions.Single(e => e.PreferredId == 7), MediasoupJson.Options));
    }

    [Fact]
    public void ConsumerParametersSerializeWithoutNulls()
    {
        var encoding = new RtpEncodingParameters { Ssrc = 123456789, Rtx = new RtxParameters(123456790), ScalabilityMode = "L3T3" };
        Assert.Equal(
            """{"ssrc":123456789,"rtx":{"ssrc":123456790},"scalabilityMode":"L3T3"}""",
            JsonSerializer.Serialize(encoding, MediasoupJson.Options));

        // The attributes carry the names, so default options write the same.
        Assert.Equal(
            """{"ssrc":123456789,"rtx":{"ssrc":123456790},"scalabilityMode":"L3T3"}""",
            JsonSerializer.Serialize(encoding));
    }

    [Fact]
    public void DtlsAndSctpClientPayloadsRoundTrip()
    {
        AssertRoundTrips<DtlsParameters>("""
            { "role": "client", "fingerprints": [
              { "algorithm": "sha-256", "value": "82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:AC:2D:65:E5:80:C4:B6:FB:AF:1A:A0:21:9F:6D:0C:AD" },
              { "algorithm": "sha-512", "value": "AB:CD" } ] }
            """);
        AssertRoundTrips<DtlsParameters>("""{ "fingerprints": [ { "algorithm": "sha-1", "value": "00" } ] }""");
        AssertRoundTrips<SctpCapabilities>("""{ "numStreams": { "OS": 1024, "MIS": 1024 } }""");
        AssertRoundTrips<SctpStreamParameters>("""{ "streamId": 3, "ordered": false, "maxRetransmits": 2 }""");
        AssertRoundTrips<SrtpParameters>("""{ "cryptoSuite": "AES_CM_128_HMAC_SHA1_80", "keyBase64": "ZnQ3eWJraDg0d3ZoYzM5cXN1Y2pnaHU5NWxrZTVv" }""");
        AssertRoundTrips<SrtpParameters>("""{ "cryptoSuite": "AEAD_AES_256_GCM", "keyBase64": "YTdjcDBvY2JoMGY5YXNlNDc0eDJsdGgwaWRvNnJsamRrdG16aWVpZHQ3MGM=" }""");
    }

    [Fact]
    public void ServerPayloadsRoundTrip()
    {
        AssertRoundTrips<IceParameters>("""{ "usernameFragment": "oyp3wcxbcnvfd0e5", "password": "z7a2k0ze9ofdjtz3vo0ds1tdqifq63bd", "iceLite": true }""");
        AssertRoundTrips<IceCandidate>("""
            { "foundation": "udpcandidate", "priority": 1076302079, "ip": "127.0.0.1", "address": "127.0.0.1",
              "protocol": "udp", "port": 40001, "type": "host" }
            """);
        AssertRoundTrips<IceCandidate>("""
            { "foundation": "tcpcandidate", "priority": 1076276479, "ip": "9.9.9.9", "address": "9.9.9.9",
              "protocol": "tcp", "port": 40002, "type": "host", "tcpType": "passive" }
            """);
        AssertRoundTrips<SctpParameters>("""
            { "port": 5000, "maxSendMessageSize": 262144, "maxReceiveMessageSize": 262144, "sendBufferSize": 262144,
              "perStreamSendQueueLimit": 262144, "maxReceiverWindowBufferSize": 262144, "isDataChannel": true,
              "OS": 65535, "MIS": 65535, "maxMessageSize": 262144 }
            """);
        AssertRoundTrips<RtpMapping>("""
            { "codecs": [ { "payloadType": 96, "mappedPayloadType": 101 } ],
              "encodings": [ { "rid": "r0", "mappedSsrc": 123456789 }, { "ssrc": 1, "mappedSsrc": 123456790 } ] }
            """);
    }

    [Fact]
    public void EnumsUseMediasoupStrings()
    {
        Assert.Equal("\"sendrecv\"", JsonSerializer.Serialize(RtpHeaderExtensionDirection.SendRecv, MediasoupJson.Options));
        Assert.Equal("\"recvonly\"", JsonSerializer.Serialize(RtpHeaderExtensionDirection.RecvOnly));
        Assert.Equal("\"sha-256\"", JsonSerializer.Serialize(FingerprintAlgorithm.Sha256));
        Assert.Equal("\"auto\"", JsonSerializer.Serialize(DtlsRole.Auto));
        Assert.Equal("\"AES_CM_128_HMAC_SHA1_32\"", JsonSerializer.Serialize(SrtpCryptoSuite.AesCm128HmacSha1_32));
        Assert.Equal("\"video\"", JsonSerializer.Serialize(MediaKind.Video));
        Assert.Equal(DtlsRole.Server, JsonSerializer.Deserialize<DtlsRole>("\"server\"", MediasoupJson.Options));
    }

    [Fact]
    public void MissingRequiredFieldsAndWrongTypesFailToRead()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RtpCodecParameters>("""{ "payloadType": 96, "clockRate": 90000 }""", MediasoupJson.Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RtpCodecParameters>("""{ "mimeType": "video/VP8", "payloadType": "96", "clockRate": 90000 }""", MediasoupJson.Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RtpCodecParameters>("""{ "mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": { "a": { "b": 1 } } }""", MediasoupJson.Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RtpEncodingParameters>("""{ "ssrc": -1 }""", MediasoupJson.Options));
    }

    [Fact]
    public void RecordsCompareStructurallyAndAreImmutable()
    {
        var a = JsonSerializer.Deserialize<RtpCapabilities>(ChromeRtpCapabilities, MediasoupJson.Options)!;
        var b = JsonSerializer.Deserialize<RtpCapabilities>(ChromeRtpCapabilities, MediasoupJson.Options)!;
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { HeaderExtensions = [] });

        // A list given at construction is copied.
        var feedback = new List<RtcpFeedback> { Fb("nack") };
        var codec = new RtpCodecParameters { MimeType = "video/VP8", PayloadType = 96, ClockRate = 90000, RtcpFeedback = feedback };
        feedback.Add(Fb("nack", "pli"));
        Assert.Single(codec.RtcpFeedback);

        // Parameter order does not matter for equality.
        Assert.Equal(
            new RtpCodecParameters { MimeType = "video/VP8", PayloadType = 96, ClockRate = 90000, Parameters = P(("a", 1), ("b", "x")) },
            new RtpCodecParameters { MimeType = "video/VP8", PayloadType = 96, ClockRate = 90000, Parameters = P(("b", "x"), ("a", 1)) });
    }
}
