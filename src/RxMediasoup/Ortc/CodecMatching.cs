namespace RxMediasoup;

/// <summary>The answer H264 negotiation produced: the <c>profile-level-id</c> to set, or <see langword="null"/> to remove it.</summary>
/// <param name="ProfileLevelId">The negotiated profile-level-id, or <see langword="null"/> when neither side has one.</param>
internal readonly record struct H264Answer(string? ProfileLevelId);

/// <summary>mediasoup's codec matching rules (<c>matchCodecs()</c> in its <c>ortc.js</c>).</summary>
internal static class CodecMatching
{
    /// <summary>Whether the MIME type is an RTX one (<c>&lt;kind&gt;/rtx</c>, case-insensitive).</summary>
    public static bool IsRtx(string? mimeType) =>
        mimeType is { Length: > 4 } && mimeType.EndsWith("/rtx", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the codec is an RTX one.</summary>
    public static bool IsRtx(RtpCodec codec) => IsRtx(codec.MimeType);

    /// <summary>The <c>apt</c> (associated payload type) of an RTX codec, when it is an integral number.</summary>
    public static int? Apt(RtpCodec codec) =>
        codec.Parameters.TryGetValue("apt", out var value) && value.TryGetInt32(out var apt) ? apt : null;

    /// <summary>Whether two codecs match; see <see cref="Match(RtpCodec, RtpCodec, bool, out H264Answer?)"/>.</summary>
    public static bool Match(RtpCodec a, RtpCodec b, bool strict) => Match(a, b, strict, out _);

    /// <summary>
    /// Whether codec <paramref name="a"/> matches codec <paramref name="b"/>: same MIME type (case-insensitive),
    /// clock rate and channels; for multiopus the same <c>num_streams</c> and <c>coupled_streams</c>; when
    /// <paramref name="strict"/>, for H264 the same <c>packetization-mode</c> and profile with a negotiable level,
    /// and for VP9 the same <c>profile-id</c>.
    /// </summary>
    /// <param name="a">The codec being matched (for H264, the "local" side whose level is kept when asymmetry is allowed).</param>
    /// <param name="b">The codec matched against.</param>
    /// <param name="strict">Whether to apply the per-codec parameter checks.</param>
    /// <param name="h264Answer">For a strict H264 match, the profile-level-id <paramref name="a"/> should carry.</param>
    public static bool Match(RtpCodec a, RtpCodec b, bool strict, out H264Answer? h264Answer)
    {
        h264Answer = null;

        if (!string.Equals(a.MimeType, b.MimeType, StringComparison.OrdinalIgnoreCase)
            || a.ClockRate != b.ClockRate
            || a.Channels != b.Channels)
        {
            return false;
        }

        // Compared case-insensitively in place (no lower-cased copy per match).
        var mimeType = a.MimeType;
        if (mimeType.Equals("audio/multiopus", StringComparison.OrdinalIgnoreCase))
        {
            if (!SameParameter(a, b, "num_streams") || !SameParameter(a, b, "coupled_streams"))
            {
                return false;
            }
        }
        else if (mimeType.Equals("video/h264", StringComparison.OrdinalIgnoreCase))
        {
            if (strict)
            {
                if (OrZero(a, "packetization-mode") != OrZero(b, "packetization-mode"))
                {
                    return false;
                }
                if (!H264ProfileLevelId.IsSameProfile(a.Parameters, b.Parameters))
                {
                    return false;
                }

                string? selectedProfileLevelId;
                try
                {
                    selectedProfileLevelId = H264ProfileLevelId.GenerateProfileLevelIdForAnswer(a.Parameters, b.Parameters);
                }
                catch (ArgumentException)
                {
                    return false;
                }
                h264Answer = new H264Answer(selectedProfileLevelId);
            }
        }
        else if (mimeType.Equals("video/vp9", StringComparison.OrdinalIgnoreCase))
        {
            if (strict && OrZero(a, "profile-id") != OrZero(b, "profile-id"))
            {
                return false;
            }
        }

        return true;
    }

    // Strict equality of an optional parameter (absent equals absent only).
    private static bool SameParameter(RtpCodec a, RtpCodec b, string key)
    {
        var aHas = a.Parameters.TryGetValue(key, out var aValue);
        var bHas = b.Parameters.TryGetValue(key, out var bValue);
        return aHas == bHas && (!aHas || aValue == bValue);
    }

    // mediasoup's `parameters[key] || 0`: an absent or falsy value counts as the number 0.
    private static RtpParameterValue OrZero(RtpCodec codec, string key) =>
        codec.Parameters.TryGetValue(key, out var value) && value.IsTruthy ? value : RtpParameterValue.FromNumber(0);
}
