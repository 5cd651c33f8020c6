using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace RxMediasoup;

/// <summary>
/// An H264 profile and level, as carried by the <c>profile-level-id</c> codec parameter (three hex bytes, e.g.
/// <c>42e01f</c> = Constrained Baseline 3.1), with the negotiation rules mediasoup uses to match H264 codecs
/// (a port of the <c>h264-profile-level-id</c> package mediasoup 3.27 depends on, itself from libwebrtc).
/// </summary>
/// <param name="Profile">The profile.</param>
/// <param name="Level">The level.</param>
public readonly record struct H264ProfileLevelId(H264Profile Profile, H264Level Level)
{
    /// <summary>The parameter name, <c>profile-level-id</c>.</summary>
    public const string ParameterName = "profile-level-id";

    /// <summary>The <c>level-asymmetry-allowed</c> parameter name.</summary>
    public const string LevelAsymmetryAllowedParameterName = "level-asymmetry-allowed";

    private const int ConstraintSet3Flag = 0x10;

    /// <summary>
    /// The profile assumed when <c>profile-level-id</c> is absent: Constrained Baseline 3.1 (libwebrtc's
    /// backwards-compatible default rather than RFC 6184's Baseline 1).
    /// </summary>
    public static H264ProfileLevelId Default => new(H264Profile.ConstrainedBaseline, H264Level.L3_1);

    // RFC 6184 section 8.1: profile_idc and the profile_iop bit pattern ('x' = either bit) of each profile.
    private static readonly (byte ProfileIdc, BitPattern ProfileIop, H264Profile Profile)[] ProfilePatterns =
    [
        (0x42, new BitPattern("x1xx0000"), H264Profile.ConstrainedBaseline),
        (0x4d, new BitPattern("1xxx0000"), H264Profile.ConstrainedBaseline),
        (0x58, new BitPattern("11xx0000"), H264Profile.ConstrainedBaseline),
        (0x42, new BitPattern("x0xx0000"), H264Profile.Baseline),
        (0x58, new BitPattern("10xx0000"), H264Profile.Baseline),
        (0x4d, new BitPattern("0x0x0000"), H264Profile.Main),
        (0x64, new BitPattern("00000000"), H264Profile.High),
        (0x64, new BitPattern("00001100"), H264Profile.ConstrainedHigh),
        (0xf4, new BitPattern("00000000"), H264Profile.PredictiveHigh444),
    ];

    // ITU-T H.264 (02/2016) Table A-1: level limits.
    private static readonly (int MaxMacroblocksPerSecond, int MaxMacroblockFrameSize, H264Level Level)[] LevelConstraints =
    [
        (1485, 99, H264Level.L1),
        (1485, 99, H264Level.L1b),
        (3000, 396, H264Level.L1_1),
        (6000, 396, H264Level.L1_2),
        (11880, 396, H264Level.L1_3),
        (11880, 396, H264Level.L2),
        (19800, 792, H264Level.L2_1),
        (20250, 1620, H264Level.L2_2),
        (40500, 1620, H264Level.L3),
        (108000, 3600, H264Level.L3_1),
        (216000, 5120, H264Level.L3_2),
        (245760, 8192, H264Level.L4),
        (245760, 8192, H264Level.L4_1),
        (522240, 8704, H264Level.L4_2),
        (589824, 22080, H264Level.L5),
        (983040, 36864, H264Level.L5_1),
        (2073600, 36864, H264Level.L5_2),
    ];

    /// <summary>
    /// Parses a <c>profile-level-id</c> (a string of three hex bytes). Returns <see langword="false"/> when the
    /// string is not a recognized H264 profile-level-id (wrong length, unknown level or profile pattern).
    /// </summary>
    /// <param name="value">The profile-level-id, e.g. <c>42e01f</c>.</param>
    /// <param name="result">The parsed profile and level.</param>
    /// <returns>Whether <paramref name="value"/> was recognized.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, out H264ProfileLevelId result)
    {
        result = default;
        if (value is null || value.Length != 6)
        {
            return false;
        }

        // Like JavaScript's parseInt(str, 16), which the reference uses: take the leading hex digits.
        var numeric = 0;
        var digits = 0;
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                break;
            }
            numeric = (numeric << 4) | (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
            digits++;
        }
        if (digits == 0 || numeric == 0)
        {
            return false;
        }

        var levelIdc = numeric & 0xff;
        var profileIop = (numeric >> 8) & 0xff;
        var profileIdc = (numeric >> 16) & 0xff;

        H264Level level;
        switch (levelIdc)
        {
            case (int)H264Level.L1_1:
                level = (profileIop & ConstraintSet3Flag) != 0 ? H264Level.L1b : H264Level.L1_1;
                break;
            case (int)H264Level.L1:
            case (int)H264Level.L1_2:
            case (int)H264Level.L1_3:
            case (int)H264Level.L2:
            case (int)H264Level.L2_1:
            case (int)H264Level.L2_2:
            case (int)H264Level.L3:
            case (int)H264Level.L3_1:
            case (int)H264Level.L3_2:
            case (int)H264Level.L4:
            case (int)H264Level.L4_1:
            case (int)H264Level.L4_2:
            case (int)H264Level.L5:
            case (int)H264Level.L5_1:
            case (int)H264Level.L5_2:
                level = (H264Level)levelIdc;
                break;
            default:
                return false;
        }

        foreach (var (idc, iop, profile) in ProfilePatterns)
        {
            if (profileIdc == idc && iop.IsMatch(profileIop))
            {
                result = new H264ProfileLevelId(profile, level);
                return true;
            }
        }
        return false;
    }

    /// <summary>Parses a <c>profile-level-id</c>.</summary>
    /// <param name="value">The profile-level-id, e.g. <c>42e01f</c>.</param>
    /// <exception cref="FormatException"><paramref name="value"/> is not a recognized H264 profile-level-id.</exception>
    public static H264ProfileLevelId Parse(string value) =>
        TryParse(value, out var result)
            ? result
            : throw new FormatException($"invalid H264 profile-level-id '{value}'");

    /// <summary>
    /// The canonical three-hex-byte form (e.g. <c>42e01f</c>), or <see langword="null"/> when the combination
    /// has none (level 1b is only defined for Constrained Baseline, Baseline and Main).
    /// </summary>
    public string? ToProfileLevelIdString()
    {
        if (Level == H264Level.L1b)
        {
            return Profile switch
            {
                H264Profile.ConstrainedBaseline => "42f00b",
                H264Profile.Baseline => "42100b",
                H264Profile.Main => "4d100b",
                _ => null,
            };
        }

        var profileIdcIop = Profile switch
        {
            H264Profile.ConstrainedBaseline => "42e0",
            H264Profile.Baseline => "4200",
            H264Profile.Main => "4d00",
            H264Profile.ConstrainedHigh => "640c",
            H264Profile.High => "6400",
            H264Profile.PredictiveHigh444 => "f400",
            _ => null,
        };
        return profileIdcIop is null ? null : profileIdcIop + ((int)Level).ToString("x2", CultureInfo.InvariantCulture);
    }

    /// <summary>The canonical <c>profile-level-id</c> (see <see cref="ToProfileLevelIdString"/>), or profile and level names when there is none.</summary>
    public override string ToString() => ToProfileLevelIdString() ?? $"{Profile} {Level}";

    /// <summary>
    /// Reads the profile and level from codec parameters: <see cref="Default"/> when <c>profile-level-id</c> is
    /// absent (or empty), <see langword="null"/> when it is present but not a recognized string.
    /// </summary>
    /// <param name="parameters">Codec parameters; <see langword="null"/> counts as empty.</param>
    public static H264ProfileLevelId? FromParameters(IReadOnlyDictionary<string, RtpParameterValue>? parameters)
    {
        if (parameters is null || !parameters.TryGetValue(ParameterName, out var value) || !value.IsTruthy)
        {
            return Default;
        }
        return value.TryGetString(out var text) && TryParse(text, out var result) ? result : null;
    }

    /// <summary>Whether two sets of codec parameters have the same, valid H264 profile (levels are not compared).</summary>
    /// <param name="parameters1">Codec parameters.</param>
    /// <param name="parameters2">Other codec parameters.</param>
    public static bool IsSameProfile(
        IReadOnlyDictionary<string, RtpParameterValue>? parameters1,
        IReadOnlyDictionary<string, RtpParameterValue>? parameters2)
    {
        var first = FromParameters(parameters1);
        var second = FromParameters(parameters2);
        return first is not null && second is not null && first.Value.Profile == second.Value.Profile;
    }

    /// <summary>Whether two sets of codec parameters have the same, valid H264 profile and level.</summary>
    /// <param name="parameters1">Codec parameters.</param>
    /// <param name="parameters2">Other codec parameters.</param>
    public static bool IsSameProfileAndLevel(
        IReadOnlyDictionary<string, RtpParameterValue>? parameters1,
        IReadOnlyDictionary<string, RtpParameterValue>? parameters2)
    {
        var first = FromParameters(parameters1);
        var second = FromParameters(parameters2);
        return first is not null && second is not null && first.Value == second.Value;
    }

    /// <summary>
    /// The <c>profile-level-id</c> to answer with, given the local supported and the remote offered codec
    /// parameters of the same profile: when both allow level asymmetry (<c>level-asymmetry-allowed</c> = 1) the
    /// local level, otherwise the lower of the two levels. <see langword="null"/> when neither side has a
    /// <c>profile-level-id</c> (both use the default).
    /// </summary>
    /// <param name="localSupportedParameters">The local codec parameters.</param>
    /// <param name="remoteOfferedParameters">The remote codec parameters.</param>
    /// <exception cref="ArgumentException">A profile-level-id is invalid, or the profiles differ.</exception>
    public static string? GenerateProfileLevelIdForAnswer(
        IReadOnlyDictionary<string, RtpParameterValue>? localSupportedParameters,
        IReadOnlyDictionary<string, RtpParameterValue>? remoteOfferedParameters)
    {
        if (!HasProfileLevelId(localSupportedParameters) && !HasProfileLevelId(remoteOfferedParameters))
        {
            return null;
        }

        var local = FromParameters(localSupportedParameters)
            ?? throw new ArgumentException(
                $"invalid local profile-level-id '{localSupportedParameters![ParameterName]}'", nameof(localSupportedParameters));
        var remote = FromParameters(remoteOfferedParameters)
            ?? throw new ArgumentException(
                $"invalid remote profile-level-id '{remoteOfferedParameters![ParameterName]}'", nameof(remoteOfferedParameters));
        if (local.Profile != remote.Profile)
        {
            throw new ArgumentException(
                $"H264 profile mismatch [local:{local.Profile}, remote:{remote.Profile}]", nameof(remoteOfferedParameters));
        }

        var levelAsymmetryAllowed =
            IsLevelAsymmetryAllowed(localSupportedParameters) && IsLevelAsymmetryAllowed(remoteOfferedParameters);
        var answerLevel = levelAsymmetryAllowed ? local.Level : MinLevel(local.Level, remote.Level);
        return new H264ProfileLevelId(local.Profile, answerLevel).ToProfileLevelIdString();
    }

    /// <summary>
    /// The highest level at which a decoder that handles frames of up to <paramref name="maxFramePixelCount"/>
    /// pixels at up to <paramref name="maxFps"/> frames per second can decode every valid stream, or
    /// <see langword="null"/> when no level fits.
    /// </summary>
    /// <param name="maxFramePixelCount">The maximum frame size in pixels.</param>
    /// <param name="maxFps">The maximum frame rate.</param>
    public static H264Level? SupportedLevel(int maxFramePixelCount, double maxFps)
    {
        const int pixelsPerMacroblock = 16 * 16;
        for (var i = LevelConstraints.Length - 1; i >= 0; i--)
        {
            var (maxMacroblocksPerSecond, maxMacroblockFrameSize, level) = LevelConstraints[i];
            if ((long)maxMacroblockFrameSize * pixelsPerMacroblock <= maxFramePixelCount
                && maxMacroblocksPerSecond <= maxFps * maxMacroblockFrameSize)
            {
                return level;
            }
        }
        return null;
    }

    /// <summary>Whether the parameters allow level asymmetry: <c>level-asymmetry-allowed</c> is 1, <c>"1"</c> or <see langword="true"/>.</summary>
    /// <param name="parameters">Codec parameters.</param>
    public static bool IsLevelAsymmetryAllowed(IReadOnlyDictionary<string, RtpParameterValue>? parameters)
    {
        if (parameters is null || !parameters.TryGetValue(LevelAsymmetryAllowedParameterName, out var value))
        {
            return false;
        }
        return value.Kind switch
        {
            RtpParameterValueKind.Boolean => value.AsBoolean(),
            RtpParameterValueKind.Number => value.AsNumber() == 1,
            RtpParameterValueKind.String => value.AsString() == "1",
            _ => false,
        };
    }

    private static bool HasProfileLevelId(IReadOnlyDictionary<string, RtpParameterValue>? parameters) =>
        parameters is not null && parameters.TryGetValue(ParameterName, out var value) && value.IsTruthy;

    // Compares levels, handling level 1b (between 1 and 1.1).
    private static bool IsLessLevel(H264Level a, H264Level b)
    {
        if (a == H264Level.L1b)
        {
            return b != H264Level.L1 && b != H264Level.L1b;
        }
        if (b == H264Level.L1b)
        {
            return a != H264Level.L1;
        }
        return a < b;
    }

    private static H264Level MinLevel(H264Level a, H264Level b) => IsLessLevel(a, b) ? a : b;

    /// <summary>A bit pattern such as <c>x1xx0000</c> where <c>x</c> matches either bit.</summary>
    private readonly struct BitPattern
    {
        private readonly int _mask;
        private readonly int _maskedValue;

        public BitPattern(string pattern)
        {
            _mask = ~ByteMask('x', pattern);
            _maskedValue = ByteMask('1', pattern);
        }

        public bool IsMatch(int value) => _maskedValue == (value & _mask);

        private static int ByteMask(char c, string pattern)
        {
            var mask = 0;
            for (var i = 0; i < 8; i++)
            {
                if (pattern[i] == c)
                {
                    mask |= 1 << (7 - i);
                }
            }
            return mask;
        }
    }
}
