using System.Net.WebSockets;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace RxMediasoup.Samples.Room;

/// <summary>
/// One browser peer: the requests of its WebSocket, handled one at a time, and everything it owns. Its transports,
/// producers and consumers are <c>Using…</c> subscriptions held by <see cref="_lifetime"/>: disposing the session
/// (the socket closed, the peer was replaced, the server stops) closes them all, which closes the other peers'
/// consumers of its producers.
/// </summary>
internal sealed partial class PeerSession : IDisposable
{
    private readonly Rooms _rooms;
    private readonly RoomServerOptions _options;
    private readonly WebSocketChannel _channel;
    private readonly ILogger _log;
    private readonly Action<WebSocketCloseStatus, string> _close;
    private readonly CompositeDisposable _lifetime = [];
    private readonly object _gate = new();
    private Room? _room;
    private RoomPeer? _peer;
    private Router? _router;
    private Action? _afterReply;

    public PeerSession(Rooms rooms, RoomServerOptions options, WebSocketChannel channel, ILogger log, Action<WebSocketCloseStatus, string> close)
    {
        _rooms = rooms;
        _options = options;
        _channel = channel;
        _log = log;
        _close = close;
    }

    public string Name => _peer is null ? "(not joined)" : $"{_peer.PeerId}@{_room!.Id}";

    /// <summary>Handles one message: an ok reply with the result, or an error reply with a stable code.</summary>
    public async Task HandleAsync(Frame frame, CancellationToken cancellationToken)
    {
        long? id = null;
        try
        {
            if (frame.ErrorCode is not null) throw new SignallingException(frame.ErrorCode, frame.ErrorMessage!);
            var request = Request.Parse(frame.Text!, out id);
            object? result = await DispatchAsync(request, cancellationToken).ConfigureAwait(false);
            _channel.Post(Messages.Ok(request.Id, result));
            Interlocked.Exchange(ref _afterReply, null)?.Invoke();
        }
        catch (SignallingException e)
        {
            _channel.Post(Messages.Error(id, e.Code, e.Message));
        }
        catch (Exception e) when (e is MediasoupException or ArgumentException or FormatException or InvalidOperationException
                                  && !cancellationToken.IsCancellationRequested)
        {
            // mediasoup (or the library's ORTC validation) refused what the peer sent.
            _channel.Post(Messages.Error(id, ErrorCodes.Rejected, e.Message));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The socket closed or the server is stopping while the request ran.
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested || _lifetime.IsDisposed)
        {
            _log.LogDebug("{Peer}: a request ended with the session: {Error}", Name, e.Message);
        }
        catch (Exception e)
        {
            // A bug of the server: logged with its stack trace; the peer gets a reply and its session goes on.
            _log.LogError(e, "{Peer}: request failed", Name);
            _channel.Post(Messages.Error(id, ErrorCodes.InternalError, "the server failed to handle this request (its log has the details)"));
        }
    }

    private Task<object?> DispatchAsync(Request request, CancellationToken ct)
    {
        if (request.Method == "join") return JoinAsync(request.Data, ct);
        if (!Methods.Contains(request.Method))
            throw new SignallingException(ErrorCodes.UnknownMethod, $"method '{request.Method}' is not one of: {string.Join(", ", ["join", .. Methods])}");
        if (_peer is null) throw new SignallingException(ErrorCodes.NotJoined, $"join a room before calling '{request.Method}'");
        var data = request.Data;
        return request.Method switch
        {
            "createWebRtcTransport" => CreateTransportAsync(data, ct),
            "connectWebRtcTransport" => ConnectTransportAsync(data, ct),
            "produce" => ProduceAsync(data, ct),
            "produceData" => ProduceDataAsync(data, ct),
            "closeProducer" => CloseProducerAsync(data),
            "startConsuming" => StartConsumingAsync(data),
            "resumeConsumer" => ResumeConsumerAsync(data, ct),
            "setPreferredLayers" => SetPreferredLayersAsync(data, ct),
            _ => throw new SignallingException(ErrorCodes.UnknownMethod, $"method '{request.Method}' is not implemented"),
        };
    }

    private static readonly string[] Methods =
    [
        "createWebRtcTransport", "connectWebRtcTransport", "produce", "produceData", "closeProducer",
        "startConsuming", "resumeConsumer", "setPreferredLayers",
    ];

    private async Task<object?> JoinAsync(RequestData data, CancellationToken ct)
    {
        if (_peer is not null) throw new SignallingException(ErrorCodes.AlreadyJoined, $"this socket already joined room '{_room!.Id}' as '{_peer.PeerId}'");
        string roomId = data.Id("roomId");
        string peerId = data.Id("peerId");
        var room = await _rooms.GetOrCreateAsync(roomId, ct).ConfigureAwait(false);
        // Mid-move (the room's worker just died): wait for the room's next router rather than fail.
        Router router;
        try
        {
            router = await room.Router.Where(r => !r.IsClosed).FirstAsync().ToTask(ct).WaitAsync(TimeSpan.FromSeconds(15), ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new SignallingException(ErrorCodes.InvalidState, $"room '{roomId}' has no live worker at the moment; join again later");
        }
        // Cluster mode: the id must be free on the other Room processes too (a typed error if not).
        if (room.AdmitPeer is { } admit) await admit(peerId, ct).ConfigureAwait(false);
        var peer = new RoomPeer(peerId, isServerPeer: false, kick: () => _close((WebSocketCloseStatus)4000, "replaced by a newer connection of this peer"));
        lock (_gate)
        {
            if (_lifetime.IsDisposed) throw new OperationCanceledException();
            if (!room.TryJoin(peer, out _))
                throw new SignallingException(ErrorCodes.InvalidValue, $"data.peerId '{peerId}' is taken by a server peer of room '{roomId}'");
            _room = room;
            _peer = peer;
            _router = router;
            _lifetime.Add(Disposable.Create(() => room.Leave(peer)));
        }
        _log.LogInformation("peer {PeerId} joined room {RoomId}", peerId, roomId);
        // The room's notifications start after the reply is queued (one ordered queue): the page sees peers after joining.
        _afterReply = () =>
        {
            lock (_gate)
            {
                if (_lifetime.IsDisposed) return;
                _lifetime.Add(RoomNotifications(room, peer).Subscribe(_channel.Post));
                // Any router but the one joined (even if the move happened before this subscription): reconnect.
                _lifetime.Add(room.Router.Where(r => r != router).Take(1).Subscribe(moved =>
                {
                    _channel.Post(Messages.Notification("roomMoved", new { routerId = moved.Id }));
                    _close((WebSocketCloseStatus)4001, "the room moved to another worker; reconnect");
                }));
            }
        };
        return new { roomId, peerId, routerRtpCapabilities = _router.RtpCapabilities };
    }

    /// <summary>Room events for this peer: members, active speaker, stalls.</summary>
    private IObservable<string> RoomNotifications(Room room, RoomPeer me) => Observable.Merge(
        room.Peers.Connect()
            .Where(c => c.Item != me)
            .Select(c => c.Kind == LiveChangeKind.Added
                ? Messages.Notification("peerJoined", new { peerId = c.Item.PeerId, server = c.Item.IsServerPeer })
                : Messages.Notification("peerLeft", new { peerId = c.Item.PeerId })),
        room.ActiveSpeaker.DistinctUntilChanged().Select(peerId => Messages.Notification("activeSpeaker", new { peerId })),
        room.Stalls.Where(s => s.PeerId != me.PeerId).Select(s => Messages.Notification("peerStalled", new { peerId = s.PeerId, stalled = s.Stalled })));

    public void Dispose()
    {
        lock (_gate) _lifetime.Dispose();
    }

    /// <summary>Disposes the session and waits (at most <paramref name="timeout"/>) until its transports have closed.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        var transports = _transports.Values.Select(t => t.Transport).ToList();
        Dispose();
        try
        {
            await Task.WhenAll(transports.Select(t => t.Closed.FirstAsync().ToTask())).WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _log.LogWarning("{Peer}: its transports did not close within {Timeout}", Name, timeout);
        }
    }
}
