using System.Buffers;
using System.Net.Sockets;
using Google.FlatBuffers;

namespace RxMediasoup.Channel;

// The sending half: message building (a per-thread FlatBuffers builder, frames) and the batching writer loop.
internal sealed partial class WorkerChannel
{
    private uint NextId()
    {
        while (true)
        {
            uint id = (uint)Interlocked.Increment(ref _nextId);
            if (id != 0) return id;
        }
    }

    private static FlatBufferBuilder Builder()
    {
        var b = t_builder ??= new FlatBufferBuilder(1024);
        b.Clear();
        return b;
    }

    /// <summary>
    /// Drops this thread's builder if a big message grew it past <see cref="MaxRetainedBuilderBytes"/> (a builder
    /// only grows): the next message starts a new small one. Called after every message, sent or failed.
    /// </summary>
    private static void ReleaseBuilder()
    {
        if (t_builder is { } b && b.DataBuffer.Length > MaxRetainedBuilderBytes) t_builder = null;
    }

    /// <summary>Copies the finished message into a frame; <paramref name="kind"/>, <paramref name="label"/> and <paramref name="name"/>
    /// name it in the error for one over the size limit ("request too big [method:…]").</summary>
    private static Frame Finish<TName>(FlatBufferBuilder b, Offset<FBS.Message.Message> message, string kind, string label, TName name)
        where TName : struct, Enum
    {
        b.FinishSizePrefixed(message.Value);
        var data = b.DataBuffer;
        int start = data.Position;
        int length = data.Length - start;
        if (length > MessageMaxLength)
        {
            b.Clear();
            throw new ArgumentException(
                $"{kind} too big [{label}:{name}]: {length} bytes, the worker accepts at most {MessageMaxLength} bytes per message");
        }
        // A big frame is a plain array: the shared pool would keep it (and its power-of-two bucket) for good.
        var buffer = length > MaxPooledFrameBytes ? new byte[length] : ArrayPool<byte>.Shared.Rent(length);
        data.ToArraySegment(start, length).AsSpan().CopyTo(buffer);
        ReleaseBuilder();
        return new Frame(buffer, length);
    }

    /// <summary>Gives a frame's buffer back: to the shared pool if it came from there (see <see cref="Finish"/>).</summary>
    private static void ReturnFrame(byte[] buffer)
    {
        if (buffer.Length <= MaxPooledFrameBytes) ArrayPool<byte>.Shared.Return(buffer);
    }

    private async Task WriterLoopAsync()
    {
        var reader = _outgoing.Reader;
        var batch = new byte[MaxBatchBytes];
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                int used = 0;
                while (used < MaxBatchBytes && reader.TryRead(out var frame))
                {
                    if (frame.Buffer is null) continue;
                    // A frame bigger than the room left goes out in batch-sized pieces: the batch never grows, so no
                    // big buffer outlives its message (nor stays referenced by the socket's cached send arguments).
                    for (int offset = 0; offset < frame.Length;)
                    {
                        if (used == batch.Length)
                        {
                            await SendAllAsync(batch, used).ConfigureAwait(false);
                            used = 0;
                        }
                        int n = Math.Min(batch.Length - used, frame.Length - offset);
                        Buffer.BlockCopy(frame.Buffer, offset, batch, used, n);
                        used += n;
                        offset += n;
                    }
                    ReturnFrame(frame.Buffer);
                    frame = default; // it lives across an await, so the loop's state machine would keep the last one
                }
                if (used > 0) await SendAllAsync(batch, used).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            Close(new IOException($"writing to the worker channel failed: {e.Message}", e));
        }
        finally
        {
            while (reader.TryRead(out var frame))
                if (frame.Buffer is not null) ReturnFrame(frame.Buffer);
        }
    }

    private ValueTask SendAllAsync(byte[] buffer, int length) => _transport.SendAsync(buffer.AsMemory(0, length));
}
