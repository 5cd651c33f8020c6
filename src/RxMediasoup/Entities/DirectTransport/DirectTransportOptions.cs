namespace RxMediasoup;

/// <summary>Options of a new direct transport (<see cref="Router.CreateDirectTransportAsync"/>).</summary>
public sealed record DirectTransportOptions
{
    /// <summary>Maximum size of messages data consumers send to the application, in bytes. Default 262144.</summary>
    public int MaxSendMessageSize { get; init; } = 262144;

    /// <summary>Maximum size of messages data producers accept from the application, in bytes. Default 262144.</summary>
    public int MaxReceiveMessageSize { get; init; } = 262144;

    /// <summary>Custom application data, available as <see cref="MediasoupEntity.AppData"/>.</summary>
    public IDictionary<string, object?>? AppData { get; init; }

    internal void Validate()
    {
        if (MaxSendMessageSize < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxSendMessageSize), MaxSendMessageSize, "maxSendMessageSize must not be negative");
        if (MaxReceiveMessageSize < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxReceiveMessageSize), MaxReceiveMessageSize, "maxReceiveMessageSize must not be negative");
    }
}
