using System.Buffers.Binary;
using RxMediasoup.Channel;

namespace RxMediasoup.Testing.Tests.Replay;

/// <summary>One message of a recorded run: a FlatBuffers <c>FBS.Message.Message</c> without its size prefix.</summary>
internal sealed record RecordedMessage(bool Outgoing, byte[] Payload);

/// <summary>
/// A decorator of a real worker's frame transport that records every message both ways, whole (frames may span the
/// writer's batches and the reader's reads), in the order the channel sent and received them.
/// </summary>
internal sealed class RecordingTransport(IWorkerTransport inner) : IWorkerTransport
{
    private readonly List<RecordedMessage> _messages = [];
    private readonly List<byte> _outgoing = [];
    private readonly List<byte> _incoming = [];

    public IReadOnlyList<RecordedMessage> Messages
    {
        get
        {
            lock (_messages) return [.. _messages];
        }
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> frames)
    {
        Split(_outgoing, frames.Span, outgoing: true); // copied now: the memory may be reused once the send completed
        return inner.SendAsync(frames);
    }

    public int Receive(Span<byte> buffer)
    {
        int n = inner.Receive(buffer);
        if (n > 0) Split(_incoming, buffer[..n], outgoing: false);
        return n;
    }

    public void Shutdown() => inner.Shutdown();

    private void Split(List<byte> pending, ReadOnlySpan<byte> bytes, bool outgoing)
    {
        lock (_messages)
        {
            pending.AddRange(bytes);
            while (pending.Count >= 4)
            {
                int length = BinaryPrimitives.ReadInt32LittleEndian([.. pending[..4]]);
                if (pending.Count < 4 + length) break;
                _messages.Add(new RecordedMessage(outgoing, [.. pending.GetRange(4, length)]));
                pending.RemoveRange(0, 4 + length);
            }
        }
    }
}
