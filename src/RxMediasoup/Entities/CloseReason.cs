namespace RxMediasoup;

/// <summary>Why an entity closed: the one value its <c>Closed</c> stream emits before completing.</summary>
public enum CloseReason
{
    /// <summary>The application closed it (<c>CloseAsync</c> / <c>DisposeAsync</c>).</summary>
    Explicit,
    /// <summary>Its worker was closed.</summary>
    WorkerClosed,
    /// <summary>Its worker process died.</summary>
    WorkerDied,
    /// <summary>Its router was closed.</summary>
    RouterClosed,
    /// <summary>Its transport was closed.</summary>
    TransportClosed,
    /// <summary>The producer it consumed was closed.</summary>
    ProducerClosed,
    /// <summary>The data producer it consumed was closed.</summary>
    DataProducerClosed,
    /// <summary>The WebRTC server it listened through was closed (mediasoup's <c>listenserverclose</c>).</summary>
    ListenServerClosed,
}
