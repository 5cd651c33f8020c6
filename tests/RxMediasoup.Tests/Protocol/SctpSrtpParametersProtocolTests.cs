using RxMediasoup.Protocol;

namespace RxMediasoup.Tests.Protocol;

/// <summary>SCTP stream parameters, SCTP parameters and SRTP parameters ⇄ FlatBuffers.</summary>
public class SctpSrtpParametersProtocolTests
{
    private static readonly SctpStreamParameters[] StreamParameters =
    [
        new SctpStreamParameters { StreamId = 0, Ordered = true },
        new SctpStreamParameters { StreamId = 1, Ordered = false, MaxPacketLifeTime = 3000 },
        new SctpStreamParameters { StreamId = 1023, Ordered = false, MaxRetransmits = 5 },
        new SctpStreamParameters { StreamId = 65534 },
    ];

    private static FBS.SctpParameters.SctpStreamParameters Serialize(SctpStreamParameters p)
        => Fbs.Root(b => SctpParametersProtocol.WriteStreamParameters(b, p).Value,
            FBS.SctpParameters.SctpStreamParameters.GetRootAsSctpStreamParameters);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void StreamParametersRoundTrip(int index)
    {
        var parameters = StreamParameters[index];
        var fbs = Serialize(parameters);
        Assert.Equal(parameters, SctpParametersProtocol.ParseStreamParameters(fbs));
        var t = fbs.UnPack();
        Assert.Equal((ushort)parameters.StreamId, t.StreamId);
        Assert.Equal(parameters.Ordered, t.Ordered);
        Assert.Equal(parameters.MaxPacketLifeTime is { } l ? (ushort)l : null, t.MaxPacketLifeTime);
        Assert.Equal(parameters.MaxRetransmits is { } r ? (ushort)r : null, t.MaxRetransmits);
    }

    [Fact]
    public void AStreamIdOutOfRangeIsRejected()
        => Assert.Throws<OverflowException>(() => Serialize(new SctpStreamParameters { StreamId = 70000 }));

    [Fact]
    public void SctpParametersFillTheBackwardsCompatibleFieldsLikeMediasoup()
    {
        var fbs = Fbs.Root(b => FBS.SctpParameters.SctpParameters.Pack(b, new FBS.SctpParameters.SctpParametersT
        {
            Port = 5000,
            MaxSendMessageSize = 262144,
            MaxReceiveMessageSize = 262145,
            SendBufferSize = 262146,
            PerStreamSendQueueLimit = 262147,
            MaxReceiverWindowBufferSize = 262148,
            IsDataChannel = true,
        }).Value, FBS.SctpParameters.SctpParameters.GetRootAsSctpParameters);
        Assert.Equal(new SctpParameters
        {
            Port = 5000,
            MaxSendMessageSize = 262144,
            MaxReceiveMessageSize = 262145,
            SendBufferSize = 262146,
            PerStreamSendQueueLimit = 262147,
            MaxReceiverWindowBufferSize = 262148,
            IsDataChannel = true,
            OutgoingStreams = 65535,
            MaxIncomingStreams = 65535,
            MaxMessageSize = 262145,
        }, SctpParametersProtocol.ParseSctpParameters(fbs));
    }

    [Theory]
    [InlineData(SrtpCryptoSuite.AeadAes256Gcm, (byte)FBS.SrtpParameters.SrtpCryptoSuite.AEAD_AES_256_GCM)]
    [InlineData(SrtpCryptoSuite.AeadAes128Gcm, (byte)FBS.SrtpParameters.SrtpCryptoSuite.AEAD_AES_128_GCM)]
    [InlineData(SrtpCryptoSuite.AesCm128HmacSha1_80, (byte)FBS.SrtpParameters.SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_80)]
    [InlineData(SrtpCryptoSuite.AesCm128HmacSha1_32, (byte)FBS.SrtpParameters.SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_32)]
    public void SrtpParametersRoundTrip(SrtpCryptoSuite suite, byte fbsSuiteValue)
    {
        var fbsSuite = (FBS.SrtpParameters.SrtpCryptoSuite)fbsSuiteValue;
        var parameters = new SrtpParameters { CryptoSuite = suite, KeyBase64 = "ZnQ3eWJraDg0d3ZoYzM5cXN1Y2pnaHU5NWxrZTVv" };
        var fbs = Fbs.Root(b => SrtpParametersProtocol.Write(b, parameters).Value,
            FBS.SrtpParameters.SrtpParameters.GetRootAsSrtpParameters);
        Assert.Equal(fbsSuite, fbs.CryptoSuite);
        Assert.Equal(parameters.KeyBase64, fbs.KeyBase64);
        Assert.Equal(parameters, SrtpParametersProtocol.Parse(fbs));
    }

    [Fact]
    public void AnUnknownCryptoSuiteIsAnArgumentErrorOnWriteAndInvalidDataOnRead()
    {
        var parameters = new SrtpParameters { CryptoSuite = (SrtpCryptoSuite)99, KeyBase64 = "a2V5" };
        var write = Assert.ThrowsAny<ArgumentException>(() => Fbs.Root(b => SrtpParametersProtocol.Write(b, parameters).Value,
            FBS.SrtpParameters.SrtpParameters.GetRootAsSrtpParameters));
        Assert.Equal("srtpParameters.cryptoSuite", write.ParamName);
        Assert.Contains("srtpParameters.cryptoSuite", write.Message);
        Assert.Equal("options.SrtpCryptoSuite",
            Assert.ThrowsAny<ArgumentException>(() => SrtpParametersProtocol.ToFbs((SrtpCryptoSuite)99, "options.SrtpCryptoSuite")).ParamName);
        Assert.Throws<InvalidDataException>(() => SrtpParametersProtocol.FromFbs((FBS.SrtpParameters.SrtpCryptoSuite)99));
    }
}
