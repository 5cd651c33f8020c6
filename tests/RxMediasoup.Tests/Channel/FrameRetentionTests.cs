using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using RxMediasoup.Channel;
using RxMediasoup.Protocol;
using RxMediasoup.Tests.Infrastructure;

namespace RxMediasoup.Tests.Channel;

/// <summary>
/// Regression (issue 7 §6.2): the per-thread FlatBuffers builder grew to the biggest message its thread sent and
/// kept it, and frames over 1 MiB went back to the shared array pool, which kept them too.
/// </summary>
[Collection(SerialCollection.Name)]
public class FrameRetentionTests
{
    private const int Threads = 4;
    private const int BigMessage = 6 * 1024 * 1024;
    private const long MaxRetained = 1024 * 1024;

    [Fact]
    public async Task ASixMiBMessageFromEachOfFourThreadsLeavesAtMostOneMiBRetained()
    {
        using var worker = new ScriptedWorker();
        worker.Channel.Start();
        using var small = new Barrier(Threads + 1);
        using var big = new Barrier(Threads + 1);
        using var done = new Barrier(Threads + 1);
        // The senders stay alive until the end: a builder held in a [ThreadStatic] of a live thread is what leaked.
        var threads = Enumerable.Range(0, Threads).Select(i => new Thread(() =>
        {
            SendMessage(worker.Channel, 16);
            small.SignalAndWait();
            big.SignalAndWait();
            SendMessage(worker.Channel, BigMessage);
            done.SignalAndWait();
            done.SignalAndWait();
        }) { IsBackground = true, Name = $"sender {i}" }).ToArray();
        foreach (var t in threads) t.Start();

        var drain = new FrameDrain(worker.Peer);
        small.SignalAndWait();
        await drain.ReadFramesAsync(Threads);
        long before = GC.GetTotalMemory(forceFullCollection: true);

        big.SignalAndWait();
        var frameLengths = await drain.ReadFramesAsync(Threads);
        Assert.All(frameLengths, length => Assert.InRange(length, BigMessage, BigMessage + 1024));
        done.SignalAndWait();

        // The writer loop returns from its last send a moment after the peer read the last byte (a frame it still
        // holds then is let go right after): measure again for up to 5 s. A leak does not go away (the senders live).
        long retained = long.MaxValue;
        var until = DateTime.UtcNow.AddSeconds(5);
        do
        {
            retained = GC.GetTotalMemory(forceFullCollection: true) - before;
            if (retained <= MaxRetained) break;
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < until);

        done.SignalAndWait();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromSeconds(10)));
        Assert.True(retained <= MaxRetained, $"{retained} bytes retained after four {BigMessage}-byte messages (at most {MaxRetained})");
    }

    /// <summary>A DATAPRODUCER_SEND of <paramref name="size"/> payload bytes; its payload is garbage on return.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SendMessage(WorkerChannel channel, int size)
        => DataProducerProtocol.Send(channel, "data-producer", new DataProducerSendData(DataProducerProtocol.PpidBinary, new byte[size]));

    /// <summary>Reads whole frames from the peer socket through one small buffer (it keeps none of them).</summary>
    private sealed class FrameDrain(Socket peer)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];

        public async Task<int[]> ReadFramesAsync(int count)
        {
            var lengths = new int[count];
            for (int i = 0; i < count; i++)
            {
                await ReadAsync(4, keep: true);
                int length = BinaryPrimitives.ReadInt32LittleEndian(_buffer);
                await ReadAsync(length, keep: false);
                lengths[i] = length;
            }
            return lengths;
        }

        private async Task ReadAsync(int count, bool keep)
        {
            int read = 0;
            while (read < count)
            {
                int n = await peer.ReceiveAsync(_buffer.AsMemory(keep ? read : 0, Math.Min(_buffer.Length - (keep ? read : 0), count - read)),
                    SocketFlags.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                if (n == 0) throw new EndOfStreamException();
                read += n;
            }
        }
    }
}
