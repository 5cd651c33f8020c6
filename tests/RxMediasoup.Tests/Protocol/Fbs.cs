using System.Buffers.Binary;
using System.Net.Sockets;
using Google.FlatBuffers;
using RxMediasoup.Tests.Channel;

namespace RxMediasoup.Tests.Protocol;

/// <summary>Builds and reads FlatBuffers for the protocol tests.</summary>
internal static class Fbs
{
    /// <summary>Writes a table with <paramref name="write"/>, finishes the buffer and reads it back as a root.</summary>
    public static T Root<T>(Func<FlatBufferBuilder, int> write, Func<ByteBuffer, T> getRoot)
    {
        var b = new FlatBufferBuilder(1024);
        b.Finish(write(b));
        return getRoot(new ByteBuffer(b.SizedByteArray()));
    }

    /// <summary>An accepted response carrying <paramref name="body"/> (object API), as the reader loop would see it.</summary>
    public static FBS.Response.Response Response(FBS.Response.BodyUnion body)
        => Root(b => FBS.Response.Response.Pack(b, new FBS.Response.ResponseT { Id = 1, Accepted = true, Body = body }).Value,
            FBS.Response.Response.GetRootAsResponse);

    /// <summary>A notification carrying <paramref name="body"/> (object API).</summary>
    public static FBS.Notification.Notification Notification(FBS.Notification.Event @event, FBS.Notification.BodyUnion? body)
        => Root(b => FBS.Notification.Notification.Pack(b, new FBS.Notification.NotificationT
        {
            HandlerId = "h",
            Event = @event,
            Body = body ?? new FBS.Notification.BodyUnion(),
        }).Value, FBS.Notification.Notification.GetRootAsNotification);
}

/// <summary>The worker side of a channel: reads whole requests (body included) and answers with bodies.</summary>
internal sealed class ProtocolPeer : IDisposable
{
    private readonly ScriptedWorker _worker = new();

    public ProtocolPeer() => _worker.Channel.Start();

    public RxMediasoup.Channel.WorkerChannel Channel => _worker.Channel;

    /// <summary>The next request the channel sent, unpacked with the object API.</summary>
    public async Task<FBS.Request.RequestT> ReadRequestAsync()
    {
        var payload = await ReadExactlyAsync(BinaryPrimitives.ReadInt32LittleEndian(await ReadExactlyAsync(4)));
        var message = FBS.Message.Message.GetRootAsMessage(new ByteBuffer(payload));
        Assert.Equal(FBS.Message.Body.Request, message.DataType);
        return message.DataAsRequest().UnPack();
    }

    /// <summary>The next notification the channel sent, unpacked with the object API.</summary>
    public async Task<FBS.Notification.NotificationT> ReadNotificationAsync()
    {
        var payload = await ReadExactlyAsync(BinaryPrimitives.ReadInt32LittleEndian(await ReadExactlyAsync(4)));
        var message = FBS.Message.Message.GetRootAsMessage(new ByteBuffer(payload));
        Assert.Equal(FBS.Message.Body.Notification, message.DataType);
        return message.DataAsNotification().UnPack();
    }

    /// <summary>Answers request <paramref name="id"/> as accepted, with <paramref name="body"/> if given.</summary>
    public Task RespondAsync(uint id, FBS.Response.BodyUnion? body = null)
    {
        var b = new FlatBufferBuilder(1024);
        var message = FBS.Message.Message.Pack(b, new FBS.Message.MessageT
        {
            Data = FBS.Message.BodyUnion.FromResponse(new FBS.Response.ResponseT
            {
                Id = id,
                Accepted = true,
                Body = body ?? new FBS.Response.BodyUnion(),
            }),
        });
        b.FinishSizePrefixed(message.Value);
        return _worker.SendAsync(b.SizedByteArray());
    }

    /// <summary>Reads one request, checks its method and handler, answers it and returns it.</summary>
    public async Task<FBS.Request.RequestT> ExpectAsync(FBS.Request.Method method, string handlerId, FBS.Response.BodyUnion? response = null)
    {
        var request = await ReadRequestAsync();
        Assert.Equal(method, request.Method);
        Assert.Equal(handlerId, request.HandlerId);
        await RespondAsync(request.Id, response);
        return request;
    }

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        var buffer = new byte[count];
        int read = 0;
        while (read < count)
        {
            int n = await _worker.Peer.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (n == 0) throw new EndOfStreamException();
            read += n;
        }
        return buffer;
    }

    public void Dispose() => _worker.Dispose();
}
