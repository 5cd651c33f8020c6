using static RxMediasoup.Tests.OrtcModel.OrtcTestData;

namespace RxMediasoup.Tests.OrtcModel;

/// <summary>The cases of the <c>h264-profile-level-id</c> 2.3.3 package's own tests (which mediasoup 3.27 depends on).</summary>
public class H264ProfileLevelIdTests
{
    private static H264ProfileLevelId? ParseOrNull(string? text) =>
        H264ProfileLevelId.TryParse(text, out var result) ? result : null;

    [Fact]
    public void ParseLevel()
    {
        Assert.Equal(H264Level.L3_1, ParseOrNull("42e01f")?.Level);
        Assert.Equal(H264Level.L1_1, ParseOrNull("42e00b")?.Level);
        Assert.Equal(H264Level.L1b, ParseOrNull("42f00b")?.Level);
        Assert.Equal(H264Level.L4_2, ParseOrNull("42C02A")?.Level);
        Assert.Equal(H264Level.L5_2, ParseOrNull("640c34")?.Level);
    }

    [Theory]
    [InlineData("42e01f", H264Profile.ConstrainedBaseline)]
    [InlineData("42C02A", H264Profile.ConstrainedBaseline)]
    [InlineData("4de01f", H264Profile.ConstrainedBaseline)]
    [InlineData("58f01f", H264Profile.ConstrainedBaseline)]
    [InlineData("42a01f", H264Profile.Baseline)]
    [InlineData("58A01F", H264Profile.Baseline)]
    [InlineData("4D401f", H264Profile.Main)]
    [InlineData("64001f", H264Profile.High)]
    [InlineData("640c1f", H264Profile.ConstrainedHigh)]
    public void ParseProfile(string text, H264Profile profile) => Assert.Equal(profile, ParseOrNull(text)?.Profile);

    [Theory]
    // Malformed strings.
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" 42e01f")]
    [InlineData("4242e01f")]
    [InlineData("e01f")]
    [InlineData("gggggg")]
    [InlineData("CHICKEN")]
    // Invalid level.
    [InlineData("42e000")]
    [InlineData("42e00f")]
    [InlineData("42e0ff")]
    // Invalid profile.
    [InlineData("42e11f")]
    [InlineData("58601f")]
    [InlineData("64e01f")]
    public void InvalidValues(string? text)
    {
        Assert.Null(ParseOrNull(text));
        if (text is not null)
        {
            Assert.Throws<FormatException>(() => H264ProfileLevelId.Parse(text));
        }
    }

    [Fact]
    public void ToProfileLevelIdString()
    {
        Assert.Equal("42e01f", new H264ProfileLevelId(H264Profile.ConstrainedBaseline, H264Level.L3_1).ToProfileLevelIdString());
        Assert.Equal("42000a", new H264ProfileLevelId(H264Profile.Baseline, H264Level.L1).ToProfileLevelIdString());
        Assert.Equal("4d001f", new H264ProfileLevelId(H264Profile.Main, H264Level.L3_1).ToProfileLevelIdString());
        Assert.Equal("640c2a", new H264ProfileLevelId(H264Profile.ConstrainedHigh, H264Level.L4_2).ToProfileLevelIdString());
        Assert.Equal("64002a", new H264ProfileLevelId(H264Profile.High, H264Level.L4_2).ToProfileLevelIdString());

        // Level 1b.
        Assert.Equal("42f00b", new H264ProfileLevelId(H264Profile.ConstrainedBaseline, H264Level.L1b).ToProfileLevelIdString());
        Assert.Equal("42100b", new H264ProfileLevelId(H264Profile.Baseline, H264Level.L1b).ToProfileLevelIdString());
        Assert.Equal("4d100b", new H264ProfileLevelId(H264Profile.Main, H264Level.L1b).ToProfileLevelIdString());

        // Invalid combinations.
        Assert.Null(new H264ProfileLevelId(H264Profile.High, H264Level.L1b).ToProfileLevelIdString());
        Assert.Null(new H264ProfileLevelId(H264Profile.ConstrainedHigh, H264Level.L1b).ToProfileLevelIdString());
        Assert.Null(new H264ProfileLevelId((H264Profile)255, H264Level.L3_1).ToProfileLevelIdString());
    }

    [Theory]
    [InlineData("42e01f", "42e01f")]
    [InlineData("42E01F", "42e01f")]
    [InlineData("4d100b", "4d100b")]
    [InlineData("4D100B", "4d100b")]
    [InlineData("640c2a", "640c2a")]
    [InlineData("640C2A", "640c2a")]
    public void RoundTrip(string text, string canonical) => Assert.Equal(canonical, H264ProfileLevelId.Parse(text).ToString());

    [Fact]
    public void FromParameters()
    {
        Assert.Equal(new H264ProfileLevelId(H264Profile.ConstrainedBaseline, H264Level.L3_1), H264ProfileLevelId.FromParameters(null));
        Assert.Equal(H264ProfileLevelId.Default, H264ProfileLevelId.FromParameters(P()));
        Assert.Equal(
            new H264ProfileLevelId(H264Profile.ConstrainedHigh, H264Level.L4_2),
            H264ProfileLevelId.FromParameters(P(("profile-level-id", "640c2a"))));
        Assert.Null(H264ProfileLevelId.FromParameters(P(("profile-level-id", "foobar"))));
        // A number is not a profile-level-id (mediasoup requires a string).
        Assert.Null(H264ProfileLevelId.FromParameters(P(("profile-level-id", 640032))));
    }

    [Fact]
    public void IsSameProfile()
    {
        Assert.True(H264ProfileLevelId.IsSameProfile(P(("foo", "foo")), P(("bar", "bar"))));
        Assert.True(H264ProfileLevelId.IsSameProfile(P(("profile-level-id", "42e01f")), P(("profile-level-id", "42C02A"))));
        Assert.True(H264ProfileLevelId.IsSameProfile(P(("profile-level-id", "42a01f")), P(("profile-level-id", "58A01F"))));
        Assert.True(H264ProfileLevelId.IsSameProfile(P(("profile-level-id", "42e01f")), null));

        Assert.False(H264ProfileLevelId.IsSameProfile(null, P(("profile-level-id", "4d001f"))));
        Assert.False(H264ProfileLevelId.IsSameProfile(P(("profile-level-id", "42a01f")), P(("profile-level-id", "640c1f"))));
        Assert.False(H264ProfileLevelId.IsSameProfile(P(("profile-level-id", "42000a")), P(("profile-level-id", "64002a"))));
    }

    [Fact]
    public void IsSameProfileAndLevel()
    {
        Assert.True(H264ProfileLevelId.IsSameProfileAndLevel(P(("foo", "foo")), P(("bar", "bar"))));
        Assert.True(H264ProfileLevelId.IsSameProfileAndLevel(P(("profile-level-id", "42e01f")), P(("profile-level-id", "42f01f"))));
        Assert.True(H264ProfileLevelId.IsSameProfileAndLevel(P(("profile-level-id", "42a01f")), P(("profile-level-id", "58A01F"))));
        Assert.True(H264ProfileLevelId.IsSameProfileAndLevel(P(("profile-level-id", "42e01f")), null));

        Assert.False(H264ProfileLevelId.IsSameProfileAndLevel(null, P(("profile-level-id", "4d001f"))));
        Assert.False(H264ProfileLevelId.IsSameProfileAndLevel(P(("profile-level-id", "42a01f")), P(("profile-level-id", "640c1f"))));
        Assert.False(H264ProfileLevelId.IsSameProfileAndLevel(P(("profile-level-id", "42000a")), P(("profile-level-id", "64002a"))));
        Assert.False(H264ProfileLevelId.IsSameProfileAndLevel(P(("profile-level-id", "42e01f")), P(("profile-level-id", "42e015"))));
    }

    [Fact]
    public void GenerateProfileLevelIdForAnswer()
    {
        // Empty answer.
        Assert.Null(H264ProfileLevelId.GenerateProfileLevelIdForAnswer(null, null));

        // Level symmetry capped.
        var lowLevel = P(("profile-level-id", "42e015"));
        var highLevel = P(("profile-level-id", "42e01f"));
        Assert.Equal("42e015", H264ProfileLevelId.GenerateProfileLevelIdForAnswer(lowLevel, highLevel));
        Assert.Equal("42e015", H264ProfileLevelId.GenerateProfileLevelIdForAnswer(highLevel, lowLevel));

        // Constrained Baseline with level asymmetry: the local level.
        Assert.Equal(
            "42e01f",
            H264ProfileLevelId.GenerateProfileLevelIdForAnswer(
                P(("profile-level-id", "42e01f"), ("level-asymmetry-allowed", "1")),
                P(("profile-level-id", "42e015"), ("level-asymmetry-allowed", "1"))));

        // Asymmetry must be allowed on both sides (1, "1" or true).
        Assert.Equal(
            "42e015",
            H264ProfileLevelId.GenerateProfileLevelIdForAnswer(
                P(("profile-level-id", "42e01f"), ("level-asymmetry-allowed", 1)),
                P(("profile-level-id", "42e015"))));
        Assert.Equal(
            "42e01f",
            H264ProfileLevelId.GenerateProfileLevelIdForAnswer(
                P(("profile-level-id", "42e01f"), ("level-asymmetry-allowed", true)),
                P(("profile-level-id", "42e015"), ("level-asymmetry-allowed", 1))));

        // One side without profile-level-id uses the default (Constrained Baseline 3.1).
        Assert.Equal("42e01f", H264ProfileLevelId.GenerateProfileLevelIdForAnswer(null, P(("profile-level-id", "42e034"))));

        // Level 1b sits between 1 and 1.1.
        Assert.Equal("42f00b", H264ProfileLevelId.GenerateProfileLevelIdForAnswer(P(("profile-level-id", "42f00b")), P(("profile-level-id", "42e00b"))));
        Assert.Equal("42e00a", H264ProfileLevelId.GenerateProfileLevelIdForAnswer(P(("profile-level-id", "42f00b")), P(("profile-level-id", "42e00a"))));

        // Mismatching or invalid profiles throw (mediasoup's TypeError).
        Assert.Throws<ArgumentException>(() => H264ProfileLevelId.GenerateProfileLevelIdForAnswer(
            P(("profile-level-id", "42e01f")), P(("profile-level-id", "640c1f"))));
        Assert.Throws<ArgumentException>(() => H264ProfileLevelId.GenerateProfileLevelIdForAnswer(
            P(("profile-level-id", "CHICKEN")), P(("profile-level-id", "42e01f"))));
    }

    [Fact]
    public void SupportedLevel()
    {
        Assert.Equal(H264Level.L2_1, H264ProfileLevelId.SupportedLevel(640 * 480, 25));
        Assert.Equal(H264Level.L3_1, H264ProfileLevelId.SupportedLevel(1280 * 720, 30));
        Assert.Equal(H264Level.L4_2, H264ProfileLevelId.SupportedLevel(1920 * 1280, 60));

        Assert.Null(H264ProfileLevelId.SupportedLevel(0, 0));
        // All levels support fps > 5.
        Assert.Null(H264ProfileLevelId.SupportedLevel(1280 * 720, 5));
        // All levels support frame sizes > 183 * 137.
        Assert.Null(H264ProfileLevelId.SupportedLevel(183 * 137, 30));
    }
}
