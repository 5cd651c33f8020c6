namespace RxMediasoup;

/// <summary>Options of a new WebRTC server (<see cref="Worker.CreateWebRtcServerAsync"/>).</summary>
public sealed record WebRtcServerOptions
{
    /// <summary>The sockets to open: one per protocol, IP and port; at least one.</summary>
    public required IReadOnlyList<ListenInfo> ListenInfos { get; init; }

    /// <summary>Custom application data, available as <see cref="MediasoupEntity.AppData"/>.</summary>
    public IDictionary<string, object?>? AppData { get; init; }

    internal void Validate()
    {
        if (ListenInfos is null) throw new ArgumentNullException(nameof(ListenInfos), "missing listenInfos");
        if (ListenInfos.Count == 0) throw new ArgumentException("listenInfos must not be empty", nameof(ListenInfos));
        for (int i = 0; i < ListenInfos.Count; i++)
        {
            if (ListenInfos[i] is not { } info) throw new ArgumentNullException($"{nameof(ListenInfos)}[{i}]");
            info.Validate($"{nameof(ListenInfos)}[{i}]");
        }
    }
}
