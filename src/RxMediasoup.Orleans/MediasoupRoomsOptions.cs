namespace RxMediasoup.Orleans;

/// <summary>Options of the cross-silo rooms (<see cref="MediasoupRoomsExtensions.UseMediasoupRooms"/>).</summary>
public sealed class MediasoupRoomsOptions
{
    /// <summary>
    /// The IP the silo's pipe transports listen on (default 127.0.0.1; "0.0.0.0" for every interface with
    /// <see cref="PipeAnnouncedAddress"/> set).
    /// </summary>
    public string PipeListenIp { get; set; } = "127.0.0.1";

    /// <summary>
    /// The address other silos send pipe RTP to (this host's address as the other hosts reach it); default: the listen
    /// IP. Separate from a WebRTC announced address (what browsers reach).
    /// </summary>
    public string? PipeAnnouncedAddress { get; set; }

    /// <summary>Encrypts pipe RTP with SRTP (keys exchanged through Orleans). Default off (as mediasoup's pipeToRouter).</summary>
    public bool EnableSrtp { get; set; }

    /// <summary>The media codecs of the rooms' routers (every silo must use the same). Default: Opus and VP8.</summary>
    public IReadOnlyList<RtpCodecCapability>? MediaCodecs { get; set; }

    /// <summary>
    /// Runs an <see cref="ActiveSpeakerObserver"/> on each room's home router (see <see cref="IRoomGrain.GetHomeRouterAsync"/>)
    /// fed by every audio producer of the room; its dominant speaker is the room's. Default on.
    /// </summary>
    public bool EnableActiveSpeaker { get; set; } = true;

    /// <summary>The active-speaker observer's interval in ms (mediasoup's default 300).</summary>
    public int ActiveSpeakerInterval { get; set; } = 300;

    /// <summary>Checks the options; an <see cref="ArgumentException"/> names the setting.</summary>
    public void Validate()
    {
        if (!System.Net.IPAddress.TryParse(PipeListenIp, out _))
            throw new ArgumentException($"not an IP address: '{PipeListenIp}'", nameof(PipeListenIp));
        if (ActiveSpeakerInterval is < 0 or > ushort.MaxValue)
            throw new ArgumentException($"must be 0..{ushort.MaxValue}: {ActiveSpeakerInterval}", nameof(ActiveSpeakerInterval));
        if (PipeAnnouncedAddress is { Length: 0 })
            throw new ArgumentException("empty", nameof(PipeAnnouncedAddress));
    }
}
