namespace RxMediasoup;

/// <summary>The worker's internal state, as returned by <see cref="Worker.DumpAsync"/>.</summary>
public sealed record WorkerDump
{
    /// <summary>The worker's process id.</summary>
    public required int Pid { get; init; }

    /// <summary>Ids of the WebRTC servers living in the worker.</summary>
    public required IReadOnlyList<string> WebRtcServerIds { get; init; }

    /// <summary>Ids of the routers living in the worker.</summary>
    public required IReadOnlyList<string> RouterIds { get; init; }

    /// <summary>The handler ids the worker's channel routes requests and notifications to.</summary>
    public required ChannelMessageHandlers ChannelMessageHandlers { get; init; }
}

/// <summary>Handler ids registered in the worker's channel.</summary>
public sealed record ChannelMessageHandlers
{
    /// <summary>Handler ids that accept requests.</summary>
    public required IReadOnlyList<string> ChannelRequestHandlers { get; init; }

    /// <summary>Handler ids that accept notifications.</summary>
    public required IReadOnlyList<string> ChannelNotificationHandlers { get; init; }
}
