using Orleans.Concurrency;

namespace RxMediasoup.Orleans;

/// <summary>
/// The media service of the silo it lives on (<see cref="SiloBoundPlacement"/>): forwards to that silo's
/// <see cref="MediasoupRooms"/>, which is thread-safe, so calls interleave (<see cref="ReentrantAttribute"/>).
/// </summary>
[SiloBoundPlacement, Reentrant]
internal sealed class MediaSiloGrain(MediasoupRooms rooms) : Grain, IMediaSiloGrain
{
    public Task<int> GetLoadAsync() => rooms.GetLoadAsync();

    public Task<string> EnsureRouterAsync(string roomId) => rooms.EnsureHomeRouterAsync(roomId);

    public Task<SiloRoomState> GetRoomStateAsync(string roomId) => Task.FromResult(rooms.GetRoomState(roomId));

    public Task RoomChangedAsync(RoomSnapshot snapshot)
    {
        rooms.ApplyRoomSnapshot(snapshot);
        return Task.CompletedTask;
    }

    public Task<PipeEndpoint> OpenPipeAsync(string roomId, string localRouterId, RouterLocation remote)
        => rooms.OpenPipeAsync(roomId, localRouterId, remote);

    public Task ConnectPipeAsync(string localRouterId, string remoteRouterId, PipeEndpoint endpoint)
        => rooms.ConnectPipeAsync(localRouterId, remoteRouterId, endpoint);

    public Task<PipeOffer> PipeOutAsync(string localRouterId, string remoteRouterId, string producerId, RoomProducerKind kind)
        => rooms.PipeOutAsync(localRouterId, remoteRouterId, producerId, kind);

    public Task PipeInAsync(string localRouterId, string remoteRouterId, PipeOffer offer)
        => rooms.PipeInAsync(localRouterId, remoteRouterId, offer);

    public Task ClosePipeProducerAsync(string localRouterId, string producerId, RoomProducerKind kind)
        => rooms.ClosePipeProducerAsync(localRouterId, producerId, kind);

    public Task SetPipeProducerPausedAsync(string localRouterId, string producerId, bool paused)
        => rooms.SetPipeProducerPausedAsync(localRouterId, producerId, paused);

    public Task ClosePipeAsync(string localRouterId, string remoteRouterId) => rooms.ClosePipeAsync(localRouterId, remoteRouterId);
}
