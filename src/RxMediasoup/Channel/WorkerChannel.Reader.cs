using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Google.FlatBuffers;
using Microsoft.Extensions.Logging;
using RxMediasoup.Diagnostics;
using FbsBody = FBS.Message.Body;

namespace RxMediasoup.Channel;

// The receiving half: the reader thread, framing, and dispatch of responses, notifications and worker logs.
internal sealed partial class WorkerChannel
{
    private void ReaderLoop()
    {
        var buffer = new byte[64 * 1024];
        var bb = new ByteBuffer(buffer);
        int start = 0, end = 0;
        Exception? cause = null;
        try
        {
            while (true)
            {
                int n = _transport.Receive(buffer.AsSpan(end));
                if (n == 0)
                {
                    cause = new EndOfStreamException("the worker closed its channel");
                    break;
                }
                end += n;
                int need = 0;
                DeliveryQueue.DeferDrains(); // one delivery handoff for the whole read buffer (scheduled in the finally)
                try
                {
                    while (end - start >= 4)
                    {
                        int length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(start, 4));
                        if (length < 0 || length > PayloadMaxLength)
                        {
                            cause = new InvalidDataException(
                                $"protocol fault: the worker announced a {(uint)length}-byte message, over the {PayloadMaxLength}-byte limit");
                            return;
                        }
                        if (end - start - 4 < length)
                        {
                            need = 4 + length;
                            break;
                        }
                        bb.Position = start + 4;
                        Dispatch(bb);
                        start += 4 + length;
                    }
                }
                finally
                {
                    DeliveryQueue.RunDeferred();
                }
                if (start == end)
                {
                    start = end = 0;
                }
                else if (start > 0 && (need > buffer.Length - start || end == buffer.Length))
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                if (need > buffer.Length || end == buffer.Length)
                {
                    Array.Resize(ref buffer, Math.Max(need, Math.Min(buffer.Length * 2, MessageMaxLength)));
                    bb = new ByteBuffer(buffer);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            cause = e;
        }
        catch (Exception e)
        {
            _logger.LogError(e, "worker[pid:{Pid}] channel reader failed", _pid);
            cause = e;
        }
        finally
        {
            Close(cause);
        }
    }

    private void Dispatch(ByteBuffer bb)
    {
        try
        {
            var message = FBS.Message.Message.GetRootAsMessage(bb);
            switch (message.DataType)
            {
                case FbsBody.Response:
                    OnResponse(message.DataAsResponse());
                    break;
                case FbsBody.Notification:
                    OnNotification(message.DataAsNotification());
                    break;
                case FbsBody.Log:
                    OnLog(message.DataAsLog());
                    break;
                default:
                    _logger.LogWarning("worker[pid:{Pid}] sent an unexpected message type {Type}", _pid, message.DataType);
                    break;
            }
        }
        catch (Exception e)
        {
            _logger.LogError(e, "worker[pid:{Pid}] sent an invalid message", _pid);
        }
    }

    private void OnResponse(in FBS.Response.Response response)
    {
        if (!_pending.TryRemove(response.Id, out var pending))
        {
            // A cancelled or timed-out request, or a bug.
            _logger.LogDebug("worker[pid:{Pid}] response matches no pending request [id:{Id}]", _pid, response.Id);
            return;
        }
        pending.Unregister();
        if (response.Accepted)
        {
            pending.Complete(response.Id, response, Deliveries);
            return;
        }
        string reason = response.Reason ?? "(no reason)";
        string? error = response.Error;
        _logger.LogDebug("worker[pid:{Pid}] request failed [method:{Method}, id:{Id}]: {Error} {Reason}", _pid, pending.Method, response.Id, error, reason);
        pending.Fail(WorkerErrors.FromResponse(error, reason));
    }

    private void OnNotification(in FBS.Notification.Notification notification)
    {
        var id = notification.GetHandlerIdBytes();
        INotificationSink? sink = null;
        if (id is { Count: > 0 and <= 128 } bytes)
        {
            Span<char> chars = stackalloc char[128];
            int n = Encoding.UTF8.GetChars(bytes.AsSpan(), chars);
            _handlersBySpan.TryGetValue(chars[..n], out sink);
        }
        else if (notification.HandlerId is { } handlerId)
        {
            _handlers.TryGetValue(handlerId, out sink);
        }
        if (sink is null)
        {
            string? unknown = notification.HandlerId;
            bool closed = unknown is not null && _closedHandlers.Contains(unknown);
            if (unknown is not null && !closed)
                _logger.LogDebug("worker[pid:{Pid}] notification {Event} for unknown handler {HandlerId}", _pid, notification.Event, unknown);
            if (Telemetry.NotificationsDropped.Enabled)
                Telemetry.CountDropped(closed ? Telemetry.DropReason.ClosedEntity : Telemetry.DropReason.UnknownHandler, FbsNames.Of(notification.Event));
            return;
        }
        try
        {
            sink.OnNotification(notification.Event, notification);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "worker[pid:{Pid}] handler of {Event} for {HandlerId} threw", _pid, notification.Event, notification.HandlerId);
        }
    }

    private void OnLog(in FBS.Log.Log log)
    {
        string data = log.Data ?? string.Empty;
        if (data.Length == 0) return;
        var level = data[0] switch
        {
            'D' => LogLevel.Debug,
            'W' => LogLevel.Warning,
            'E' => LogLevel.Error,
            'X' => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        if (_workerLogger.IsEnabled(level))
            _workerLogger.Log(level, "worker[pid:{Pid}] {Message}", _pid, data.AsSpan(1).ToString());
    }

    private void ExpireRequests()
    {
        var expired = _pending.Where((Now: Environment.TickCount, _timeoutMs), static (p, s) => p.IsOlderThan(s.Now, s._timeoutMs));
        if (expired is null) return;
        foreach (var (id, pending) in expired) Expire(id, pending);
    }

    /// <summary>Fails a request that timed out with <see cref="TimeoutException"/>, unless it was removed meanwhile.</summary>
    private void Expire(uint id, IPendingRequest pending)
    {
        if (!_pending.TryRemove(id, pending)) return;
        pending.Unregister();
        pending.Fail(new TimeoutException(
            $"the worker did not answer in {_timeoutMs} ms [method:{pending.Method}, id:{id}]"));
    }
}
