using System.Diagnostics;
using System.Text.Json;

namespace RxMediasoup.SampleTests.Infrastructure;

/// <summary>ffmpeg/ffprobe runs of the tests (FFMPEG_BIN/FFPROBE_BIN, else PATH) and /proc facts.</summary>
public static class Tools
{
    public static string Ffmpeg => Environment.GetEnvironmentVariable("FFMPEG_BIN") is { Length: > 0 } b ? b : "ffmpeg";
    public static string Ffprobe => Environment.GetEnvironmentVariable("FFPROBE_BIN") is { Length: > 0 } b ? b : "ffprobe";

    /// <summary>Runs a tool to its end (bounded), returns stdout; throws with stderr on a failure code.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} ran over {timeout}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    /// <summary>A media file of <paramref name="seconds"/> s that is neither VP8 nor Opus (MPEG-4 Part 2 + MP2 in Matroska).</summary>
    public static async Task<string> MakeMediaFileAsync(string directory, double seconds)
    {
        string path = Path.Combine(directory, "input.mkv");
        await RunAsync(Ffmpeg,
        [
            "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=44100",
            "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c:v", "mpeg4", "-c:a", "mp2", path,
        ], TimeSpan.FromSeconds(60));
        return path;
    }

    /// <summary>What ffprobe says of a file's first stream after decoding every frame (<c>-count_frames</c>).</summary>
    public sealed record Probe(string CodecName, string CodecType, long FramesDecoded, double DurationSeconds, int? Width, int? Height);

    public static async Task<Probe> ProbeAsync(string path)
    {
        string json = await RunAsync(Ffprobe,
        [
            "-v", "error", "-count_frames", "-show_entries",
            "stream=codec_name,codec_type,nb_read_frames,width,height:format=duration", "-of", "json", path,
        ], TimeSpan.FromSeconds(60));
        using var doc = JsonDocument.Parse(json);
        var stream = doc.RootElement.GetProperty("streams")[0];
        int? Int(string name) => stream.TryGetProperty(name, out var v) ? v.GetInt32() : null;
        return new Probe(
            stream.GetProperty("codec_name").GetString()!,
            stream.GetProperty("codec_type").GetString()!,
            long.Parse(stream.GetProperty("nb_read_frames").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            double.Parse(doc.RootElement.GetProperty("format").GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            Int("width"), Int("height"));
    }

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms until true or <paramref name="timeout"/>; returns the last result.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (await condition()) return true;
            await Task.Delay(100);
        }
        return await condition();
    }
}
