using System.Buffers.Binary;

namespace RxMediasoup.BrowserTesting;

/// <summary>
/// What the pages' fake microphone plays (Chromium's <c>--use-file-for-fake-audio-capture</c>, looped): speech-like
/// audio for the worker's active-speaker detection, instead of Chromium's built-in beep.
/// </summary>
/// <remarks>
/// mediasoup's dominant-speaker algorithm counts a 20 ms packet as speech when its audio level is at least 10 above the
/// speaker's noise floor (the lowest level it saw lately), and a speaker only takes over when it has had 100 ms of
/// speech in a row within the last second. The built-in beep is short and surrounded by digital silence, so whether a
/// second of it qualifies depends on where the beep falls: a switch took from under a second to over 30 s (measured in
/// the two-process cluster test). This signal has a noise floor (about −40 dBov) and syllables of 150–350 ms about
/// 30 dB above it, several per second, so a peer whose microphone is on qualifies within a second of the other's going
/// quiet.
/// </remarks>
public static class FakeMicrophone
{
    private const int SampleRate = 48_000;
    private static readonly Lazy<string> File = new(Write);

    /// <summary>The Chromium flag that plays the file (written once per test process, beside the test assembly).</summary>
    public static string Argument => "--use-file-for-fake-audio-capture=" + File.Value;

    /// <summary>The samples: 4 s of syllables (a 180 Hz voice with two harmonics) over a noise floor; 16-bit mono.</summary>
    internal static short[] Samples()
    {
        var random = new Random(20261130); // the same file every time
        var samples = new short[SampleRate * 4];
        // Syllables: start (s), length (s), peak amplitude (of full scale).
        (double Start, double Length, double Peak)[] syllables =
        [
            (0.10, 0.30, 0.45), (0.55, 0.20, 0.35), (0.90, 0.35, 0.50), (1.40, 0.15, 0.30), (1.70, 0.30, 0.45),
            (2.15, 0.25, 0.40), (2.55, 0.35, 0.50), (3.05, 0.20, 0.35), (3.40, 0.30, 0.45),
        ];
        for (int i = 0; i < samples.Length; i++)
        {
            double t = (double)i / SampleRate;
            double envelope = 0;
            foreach (var (start, length, peak) in syllables)
            {
                if (t < start || t >= start + length) continue;
                double x = (t - start) / length;
                envelope = peak * Math.Sin(Math.PI * x); // rises and falls like a syllable
            }
            double voice = Math.Sin(2 * Math.PI * 180 * t) + 0.5 * Math.Sin(2 * Math.PI * 360 * t) + 0.25 * Math.Sin(2 * Math.PI * 540 * t);
            double noise = (random.NextDouble() * 2 - 1) * 0.012; // the floor: about -40 dBov
            samples[i] = (short)Math.Clamp((envelope * voice / 1.75 + noise) * short.MaxValue, short.MinValue, short.MaxValue);
        }
        return samples;
    }

    private static string Write()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fake-microphone.wav");
        var samples = Samples();
        var bytes = new byte[44 + samples.Length * 2];
        var span = bytes.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], bytes.Length - 8);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);             // PCM format chunk
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);              // PCM
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);              // mono
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], SampleRate * 2); // bytes per second
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);              // block align
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);             // bits per sample
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], samples.Length * 2);
        for (int i = 0; i < samples.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(span[(44 + i * 2)..], samples[i]);
        // Written beside and renamed: pages of parallel test processes never read a half-written file.
        var temporary = path + "." + Environment.ProcessId + ".tmp";
        System.IO.File.WriteAllBytes(temporary, bytes);
        System.IO.File.Move(temporary, path, overwrite: true);
        return path;
    }
}
