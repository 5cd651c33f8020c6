namespace RxMediasoup.Tests.OrtcModel;

/// <summary>The pure cases of mediasoup 3.27.1's <c>node/lib/test/test-mediasoup.js</c> (supported capabilities, scalability modes).</summary>
public class MediasoupNodeTests
{
    [Fact(DisplayName = "mediasoup.getSupportedRtpCapabilities() returns the mediasoup RTP capabilities")]
    [NodeCase("test-mediasoup.js", "mediasoup.getSupportedRtpCapabilities() returns the mediasoup RTP capabilities")]
    public void GetSupportedRtpCapabilitiesReturnsTheMediasoupRtpCapabilities()
    {
        var rtpCapabilities = Mediasoup.SupportedRtpCapabilities;
        Assert.NotNull(rtpCapabilities);

        // Node mangles the returned object to check a clone is returned each time; here the capabilities are
        // immutable: a modified copy leaves the shared instance untouched.
        var mangled = rtpCapabilities with { Codecs = [] };
        var rtpCapabilities2 = Mediasoup.SupportedRtpCapabilities;
        Assert.NotEqual(mangled, rtpCapabilities2);
        Assert.Equal(25, rtpCapabilities2.Codecs.Count);
        Assert.Equal(18, rtpCapabilities2.HeaderExtensions.Count);
        // Nothing exposes a mutable view.
        Assert.False(rtpCapabilities2.Codecs is ICollection<RtpCodecCapability>);
        Assert.Same(rtpCapabilities2, Mediasoup.SupportedRtpCapabilities);
    }

    [Fact(DisplayName = "mediasoup.parseScalabilityMode() succeeds")]
    [NodeCase("test-mediasoup.js", "mediasoup.parseScalabilityMode() succeeds")]
    public void ParseScalabilityModeSucceeds()
    {
        Assert.Equal(new ScalabilityMode(SpatialLayers: 1, TemporalLayers: 3, Ksvc: false), ScalabilityMode.Parse("L1T3"));
        Assert.Equal(new ScalabilityMode(SpatialLayers: 3, TemporalLayers: 2, Ksvc: true), ScalabilityMode.Parse("L3T2_KEY"));
        Assert.Equal(new ScalabilityMode(SpatialLayers: 2, TemporalLayers: 3, Ksvc: false), ScalabilityMode.Parse("S2T3"));
        Assert.Equal(new ScalabilityMode(SpatialLayers: 1, TemporalLayers: 1, Ksvc: false), ScalabilityMode.Parse("foo"));
        Assert.Equal(new ScalabilityMode(SpatialLayers: 1, TemporalLayers: 1, Ksvc: false), ScalabilityMode.Parse(null));
        Assert.Equal(new ScalabilityMode(SpatialLayers: 1, TemporalLayers: 1, Ksvc: false), ScalabilityMode.Parse("S0T3"));
        Assert.Equal(new ScalabilityMode(SpatialLayers: 1, TemporalLayers: 1, Ksvc: false), ScalabilityMode.Parse("S1T0"));
        Assert.Equal(new ScalabilityMode(SpatialLayers: 20, TemporalLayers: 3, Ksvc: false), ScalabilityMode.Parse("L20T3"));
        Assert.Equal(new ScalabilityMode(SpatialLayers: 1, TemporalLayers: 1, Ksvc: false), ScalabilityMode.Parse("S200T3"));
        Assert.Equal(new ScalabilityMode(SpatialLayers: 4, TemporalLayers: 7, Ksvc: true), ScalabilityMode.Parse("L4T7_KEY_SHIFT"));
    }
}
