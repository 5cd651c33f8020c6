namespace RxMediasoup;

public abstract partial class Transport
{
    // The transport's children live in two partial files: media (producers, consumers) and data
    // (data producers, data consumers). Each implements its half of the close cascade.
    private protected override void CloseChildren(CloseReason reason)
    {
        var childReason = reason is CloseReason.WorkerClosed or CloseReason.WorkerDied ? reason : CloseReason.TransportClosed;
        CloseMediaChildren(childReason);
        CloseDataChildren(childReason);
    }

    /// <summary>Closes the transport's producers and consumers (implemented with them).</summary>
    partial void CloseMediaChildren(CloseReason reason);

    /// <summary>Closes the transport's data producers and data consumers (implemented with them).</summary>
    partial void CloseDataChildren(CloseReason reason);
}
