namespace RxMediasoup.Tests.OrtcModel;

public class ScalabilityModeTests
{
    [Theory]
    [InlineData("L1T3", 1, 3, false)]
    [InlineData("S3T3", 3, 3, false)]
    [InlineData("L3T3_KEY", 3, 3, true)]
    [InlineData("L2T2", 2, 2, false)]
    [InlineData("S1T1", 1, 1, false)]
    [InlineData("L99T99", 99, 99, false)]
    public void TryParseRecognizesModes(string text, int spatial, int temporal, bool ksvc)
    {
        Assert.True(ScalabilityMode.TryParse(text, out var mode));
        Assert.Equal(new ScalabilityMode(spatial, temporal, ksvc), mode);
        Assert.Equal(mode, ScalabilityMode.Parse(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("l1t3")]
    [InlineData("X1T3")]
    [InlineData("L1")]
    [InlineData("LT3")]
    [InlineData(" L1T3")]
    public void TryParseRejectsOthersAndParseFallsBackToL1T1(string? text)
    {
        Assert.False(ScalabilityMode.TryParse(text, out var mode));
        Assert.Equal(ScalabilityMode.Default, mode);
        Assert.Equal(new ScalabilityMode(1, 1, false), ScalabilityMode.Parse(text));
    }

    [Fact]
    public void ToStringWritesTheCanonicalForm()
    {
        Assert.Equal("L1T3", ScalabilityMode.Parse("L1T3").ToString());
        Assert.Equal("L3T3_KEY", ScalabilityMode.Parse("L3T3_KEY").ToString());
        Assert.Equal("L1T1", ScalabilityMode.Default.ToString());
    }
}
