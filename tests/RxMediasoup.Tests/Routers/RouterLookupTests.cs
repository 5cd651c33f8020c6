namespace RxMediasoup.Tests.Routers;

/// <summary>Router.GetProducer / GetDataProducer: what a room looks up by id.</summary>
public sealed class RouterLookupTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = RouterTests.MediaCodecs });
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    private static RtpParameters OpusParameters() => new()
    {
        Codecs = [new RtpCodecParameters { MimeType = "audio/opus", PayloadType = 111, ClockRate = 48000, Channels = 2 }],
        Encodings = [new RtpEncodingParameters { Ssrc = 11111111 }],
    };

    [Fact]
    public async Task GetProducerFindsAProducerOfAnyTransportUntilItCloses()
    {
        var transport1 = await _router.CreateDirectTransportAsync();
        var transport2 = await _router.CreateDirectTransportAsync();
        var producer = await transport2.ProduceAsync(new ProducerOptions { Kind = MediaKind.Audio, RtpParameters = OpusParameters() });

        Assert.Same(producer, _router.GetProducer(producer.Id));
        Assert.Null(_router.GetProducer("unknown"));
        Assert.NotNull(transport1);

        await producer.CloseAsync();
        Assert.Null(_router.GetProducer(producer.Id));
    }

    [Fact]
    public async Task GetDataProducerFindsADataProducerUntilItCloses()
    {
        var transport = await _router.CreateDirectTransportAsync();
        var dataProducer = await transport.ProduceDataAsync(new DataProducerOptions { Label = "chat" });

        Assert.Same(dataProducer, _router.GetDataProducer(dataProducer.Id));
        Assert.Null(_router.GetDataProducer("unknown"));

        await transport.CloseAsync();
        Assert.Null(_router.GetDataProducer(dataProducer.Id));
    }

    [Fact]
    public async Task ProducersOfAnotherRouterAreNotFound()
    {
        var other = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = RouterTests.MediaCodecs });
        var transport = await other.CreateDirectTransportAsync();
        var producer = await transport.ProduceAsync(new ProducerOptions { Kind = MediaKind.Audio, RtpParameters = OpusParameters() });

        Assert.Null(_router.GetProducer(producer.Id));
        Assert.Same(producer, other.GetProducer(producer.Id));
    }
}
