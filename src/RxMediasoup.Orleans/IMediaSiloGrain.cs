namespace RxMediasoup.Orleans;

/// <summary>
/// A silo's media service as a grain: one activation per silo, keyed by the silo's address
/// (<c>SiloAddress.ToParsableString()</c>) and kept on that silo by <see cref="SiloBoundPlacement"/> (its director
/// places the activation on the silo the key names and refuses if that silo is not active). The grain is a thin
/// front of the silo's <see cref="IMediasoupRooms"/> singleton, which owns the silo's routers on the silo's
/// <see cref="WorkerManager"/> (the one <c>AddMediasoup</c> registers): a deactivation loses nothing.
/// </summary>
/// <remarks>
/// Infrastructure: called by room grains and other silos; applications use <see cref="IMediasoupRooms"/>.
/// Get one with <see cref="MediasoupRoomsGrainFactoryExtensions.GetMediaSilo"/>.
/// </remarks>
public interface IMediaSiloGrain : IGrainWithStringKey
{
    /// <summary>The silo's load: the router count of its least-loaded worker (the library's placement metric).</summary>
    Task<int> GetLoadAsync();

    /// <summary>The silo's router of a room, created on first use (on the least-loaded worker); its id.</summary>
    Task<string> EnsureRouterAsync(string roomId);

    /// <summary>What the silo holds of a room (peers, original producers, pipes).</summary>
    Task<SiloRoomState> GetRoomStateAsync(string roomId);

    /// <summary>The room's state changed: the silo's mirror applies it if newer than what it has.</summary>
    Task RoomChangedAsync(RoomSnapshot snapshot);

    /// <summary>
    /// The pipe transport of <paramref name="localRouterId"/> towards <paramref name="remote"/>: created (listening on the
    /// pipe listen IP, SRTP per options) unless there is one; its endpoint.
    /// </summary>
    Task<PipeEndpoint> OpenPipeAsync(string roomId, string localRouterId, RouterLocation remote);

    /// <summary>Connects the pipe transport of <paramref name="localRouterId"/> towards <paramref name="remoteRouterId"/> to the other side (no-op when connected).</summary>
    Task ConnectPipeAsync(string localRouterId, string remoteRouterId, PipeEndpoint endpoint);

    /// <summary>Producer side: consumes the producer onto the pipe transport towards <paramref name="remoteRouterId"/>; what the other side needs to produce it.</summary>
    Task<PipeOffer> PipeOutAsync(string localRouterId, string remoteRouterId, string producerId, RoomProducerKind kind);

    /// <summary>Consumer side: produces the offered producer (same id) on the pipe transport towards <paramref name="remoteRouterId"/> (no-op if there).</summary>
    Task PipeInAsync(string localRouterId, string remoteRouterId, PipeOffer offer);

    /// <summary>Consumer side: the original closed: closes its pipe producer (its consumers close as after a local close).</summary>
    Task ClosePipeProducerAsync(string localRouterId, string producerId, RoomProducerKind kind);

    /// <summary>Consumer side: the original was paused or resumed: pauses or resumes its pipe producer.</summary>
    Task SetPipeProducerPausedAsync(string localRouterId, string producerId, bool paused);

    /// <summary>The other side's pipe transport closed: closes this side's.</summary>
    Task ClosePipeAsync(string localRouterId, string remoteRouterId);
}
