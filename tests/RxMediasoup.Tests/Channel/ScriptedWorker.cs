using System.Buffers.Binary;
using System.Net.Sockets;
using Google.FlatBuffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxMediasoup.Channel;
using RxMediasoup.Channel.Native;

namespace RxMediasoup.Tests.Channel;

/// <summary>
/// The far end of a <see cref="WorkerChannel"/> over a real socket pair, scripted by a test: it reads the
/// channel's requests and writes whatever bytes the test wants (well-formed answers, split or coalesced
/// frames, protocol faults). For unit tests of the channel's pure logic; everything else uses the real worker.
/// </summary>
internal sealed class ScriptedWorker : IDisposable
{
    public WorkerChannel Channel { get; }
    public Socket Peer { get; }

    public unsafe ScriptedWorker(ILoggerFactory? loggerFactory = null, TimeSpan? requestTimeout = null)
    {
        int* fds = stackalloc int[2];
        if (LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, fds) != 0)
            throw new InvalidOperationException("socketpair failed");
        Channel = new WorkerChannel(new SocketTransport(new Socket(new SafeSocketHandle((IntPtr)fds[0], true))), 4242,
            loggerFactory ?? NullLoggerFactory.Instance, requestTimeout);
        Peer = new Socket(new SafeSocketHandle((IntPtr)fds[1], true));
    }

    /// <summary>Reads one request frame sent by the channel and returns its id and method.</summary>
    public async Task<(uint Id, FBS.Request.Method Method, string HandlerId)> ReadRequestAsync()
    {
        var header = await ReadExactlyAsync(4);
        int length = BinaryPrimitives.ReadInt32LittleEndian(header);
        var payload = await ReadExactlyAsync(length);
        var message = FBS.Message.Message.GetRootAsMessage(new ByteBuffer(payload));
        Assert.Equal(FBS.Message.Body.Request, message.DataType);
        var request = message.DataAsRequest();
        return (request.Id, request.Method, request.HandlerId ?? "");
    }

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        var buffer = new byte[count];
        int read = 0;
        while (read < count)
        {
            int n = await Peer.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (n == 0) throw new EndOfStreamException();
            read += n;
        }
        return buffer;
    }

    public static byte[] Response(uint id, bool accepted, string? error = null, string? reason = null)
        => Frame(b =>
        {
            var errorOffset = error is null ? default : b.CreateString(error);
            var reasonOffset = reason is null ? default : b.CreateString(reason);
            var response = FBS.Response.Response.CreateResponse(b, id, accepted, FBS.Response.Body.NONE, 0, errorOffset, reasonOffset);
            return FBS.Message.Message.CreateMessage(b, FBS.Message.Body.Response, response.Value);
        });

    public static byte[] Notification(string handlerId, FBS.Notification.Event @event)
        => Frame(b =>
        {
            var notification = FBS.Notification.Notification.CreateNotification(b, b.CreateString(handlerId), @event);
            return FBS.Message.Message.CreateMessage(b, FBS.Message.Body.Notification, notification.Value);
        });

    public static byte[] Log(string data)
        => Frame(b =>
        {
            var log = FBS.Log.Log.CreateLog(b, b.CreateString(data));
            return FBS.Message.Message.CreateMessage(b, FBS.Message.Body.Log, log.Value);
        });

    private static byte[] Frame(Func<FlatBufferBuilder, Offset<FBS.Message.Message>> build)
    {
        var b = new FlatBufferBuilder(256);
        b.FinishSizePrefixed(build(b).Value);
        return b.SizedByteArray();
    }

    public async Task SendAsync(byte[] bytes)
    {
        int sent = 0;
        while (sent < bytes.Length) sent += await Peer.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
    }

    public void Dispose()
    {
        Channel.Close();
        Peer.Dispose();
    }
}
