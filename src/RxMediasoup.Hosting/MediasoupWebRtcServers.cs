namespace RxMediasoup.Hosting;

/// <summary>
/// The WebRTC server of each hosted worker, when <see cref="MediasoupOptions.WebRtcServer"/> is configured (a
/// singleton; filled when the host starts and when a worker is replaced).
/// </summary>
public sealed class MediasoupWebRtcServers
{
    private readonly Dictionary<int, (int Slot, WebRtcServer Server)> _byPid = new();
    private readonly object _gate = new();

    /// <summary>The WebRTC server of <paramref name="worker"/>, if it has one (none configured, or a replacement's not created yet).</summary>
    public WebRtcServer? Find(Worker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        lock (_gate) return _byPid.TryGetValue(worker.Pid, out var entry) && !entry.Server.IsClosed ? entry.Server : null;
    }

    /// <summary>The WebRTC server of <paramref name="worker"/>.</summary>
    /// <exception cref="InvalidOperationException">The worker has none.</exception>
    public WebRtcServer Get(Worker worker)
        => Find(worker) ?? throw new InvalidOperationException(
            $"{worker} has no WebRTC server (Mediasoup:WebRtcServer not configured, or the worker was just replaced)");

    /// <summary>The live servers.</summary>
    public IReadOnlyList<WebRtcServer> All
    {
        get
        {
            lock (_gate) return _byPid.Values.Select(e => e.Server).Where(s => !s.IsClosed).ToArray();
        }
    }

    internal async Task CreateAsync(Worker worker, int slot, MediasoupWebRtcServerOptions options, CancellationToken cancellationToken)
    {
        var server = await worker.CreateWebRtcServerAsync(MediasoupOptionsValidator.ToWebRtcServerOptions(options, slot), cancellationToken)
            .ConfigureAwait(false);
        lock (_gate) _byPid[worker.Pid] = (slot, server);
    }

    /// <summary>Forgets the server of a dead worker; returns its slot.</summary>
    internal int? Release(int pid)
    {
        lock (_gate) return _byPid.Remove(pid, out var entry) ? entry.Slot : null;
    }

    /// <summary>The lowest slot no server holds.</summary>
    internal int FreeSlot()
    {
        lock (_gate)
        {
            var used = _byPid.Values.Select(e => e.Slot).ToHashSet();
            int slot = 0;
            while (used.Contains(slot)) slot++;
            return slot;
        }
    }
}
