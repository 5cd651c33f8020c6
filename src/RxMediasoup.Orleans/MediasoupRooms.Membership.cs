using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace RxMediasoup.Orleans;

internal sealed partial class MediasoupRooms : IDisposable
{
    private readonly IClusterMembershipService _membership;
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<SiloAddress> _dead = [];
    private int _watching;

    /// <summary>Whether Orleans' membership declared <paramref name="silo"/> dead (or it is unknown and this silo has seen it die).</summary>
    internal bool IsDead(SiloAddress silo)
    {
        lock (_dead) if (_dead.Contains(silo)) return true;
        return _membership.CurrentSnapshot.GetSiloStatus(silo) == SiloStatus.Dead;
    }

    /// <summary>Starts following Orleans' membership (once, when the first room is used).</summary>
    private void WatchMembership()
    {
        if (Interlocked.Exchange(ref _watching, 1) == 0) _ = WatchMembershipAsync();
    }

    private async Task WatchMembershipAsync()
    {
        try
        {
            await foreach (var snapshot in _membership.MembershipUpdates.WithCancellation(_stopping.Token).ConfigureAwait(false))
            {
                foreach (var member in snapshot.Members.Values)
                {
                    if (member.Status != SiloStatus.Dead || member.SiloAddress.Equals(LocalSilo)) continue;
                    bool added;
                    lock (_dead) added = _dead.Add(member.SiloAddress);
                    if (added) OnSiloDied(member.SiloAddress);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogError(e, "following the cluster membership failed");
        }
    }

    /// <summary>
    /// Another silo died: this silo's pipes to it close (its producers' pipe producers here, and with them their
    /// consumers; the pipe consumers feeding it), and the room grains of this silo's rooms drop its peers and producers.
    /// </summary>
    private void OnSiloDied(SiloAddress silo)
    {
        _logger.LogWarning("silo {Silo} died: closing the pipes to it", silo);
        ClosePipesTo(silo);
        foreach (var room in _rooms.Values)
        {
            foreach (var producer in room.Mirror.Current.Producers.Where(p => p.Silo.Equals(silo))) room.LostProducers[producer.Id] = silo;
            _ = Ignore(RoomGrain(room.Id).SiloDiedAsync(silo), "telling the room of a dead silo");
        }
    }

    private int _disposed;

    public void Dispose()
    {
        // Registered as itself and as IMediasoupRooms (one instance): the container disposes it once per registration.
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
