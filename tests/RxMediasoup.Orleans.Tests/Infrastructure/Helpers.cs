using System.Buffers.Binary;
using System.Diagnostics;

namespace RxMediasoup.Orleans.Tests.Infrastructure;

internal static class Processes
{
    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException) { return false; }
    }

    public static async Task<bool> WaitUntilGoneAsync(int pid, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (IsAlive(pid) && DateTime.UtcNow < until) await Task.Delay(50);
        return !IsAlive(pid);
    }
}

internal static class Wait
{
    /// <summary>Polls <paramref name="condition"/> until true; a <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"timed out after {timeout} waiting for {what}");
            await Task.Delay(20);
        }
    }
}

/// <summary>Opus-like RTP packets with the send time (Stopwatch ticks) in the payload, for the hop latency.</summary>
internal static class Rtp
{
    public const uint Ssrc = 2222;
    public const byte PayloadType = 100;

    public static RtpParameters Parameters => new()
    {
        Codecs = [new RtpCodecParameters { MimeType = "audio/opus", PayloadType = PayloadType, ClockRate = 48000, Channels = 2 }],
        Encodings = [new() { Ssrc = Ssrc }],
    };

    public static byte[] Packet(int sequence)
    {
        var packet = new byte[12 + 40];
        packet[0] = 0x80;
        packet[1] = PayloadType;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)(960 * sequence));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), Ssrc);
        BinaryPrimitives.WriteInt64BigEndian(packet.AsSpan(12), Stopwatch.GetTimestamp());
        return packet;
    }

    /// <summary>How long ago the packet was sent (forwarding keeps the payload).</summary>
    public static TimeSpan Age(ReadOnlyMemory<byte> packet)
    {
        // The forwarded header may differ (header extensions added by the worker): skip CSRCs and the extension.
        var span = packet.Span;
        int offset = 12 + 4 * (span[0] & 0x0f);
        if ((span[0] & 0x10) != 0) offset += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(span[(offset + 2)..]);
        return Stopwatch.GetElapsedTime(BinaryPrimitives.ReadInt64BigEndian(span.Slice(offset, 8)));
    }
}

/// <summary>Counts the RTP packets a consumer delivers and their one-way delays.</summary>
internal sealed class RtpCounter : IDisposable
{
    private readonly IDisposable _subscription;
    private readonly List<double> _delaysMs = [];
    private int _count;

    public RtpCounter(Consumer consumer)
        => _subscription = consumer.Rtp.Subscribe(p =>
        {
            var age = Rtp.Age(p).TotalMilliseconds;
            lock (_delaysMs) _delaysMs.Add(age);
            Interlocked.Increment(ref _count);
        });

    public int Count => Volatile.Read(ref _count);

    public double MedianDelayMs
    {
        get
        {
            lock (_delaysMs)
            {
                if (_delaysMs.Count == 0) return double.NaN;
                var sorted = _delaysMs.Order().ToList();
                return sorted[sorted.Count / 2];
            }
        }
    }

    public void Dispose() => _subscription.Dispose();
}
