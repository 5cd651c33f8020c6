namespace RxMediasoup;

/// <summary>
/// The names under which RxMediasoup publishes metrics (a <see cref="System.Diagnostics.Metrics.Meter"/>) and traces
/// (an <see cref="System.Diagnostics.ActivitySource"/>), e.g. for OpenTelemetry's <c>AddMeter</c> / <c>AddSource</c>.
/// </summary>
/// <remarks>
/// Nothing is measured or traced while nobody listens. Instruments (OpenTelemetry names and units):
/// <list type="bullet">
/// <item><c>rxmediasoup.workers</c>, <c>rxmediasoup.routers</c>, <c>rxmediasoup.webrtc_servers</c>,
/// <c>rxmediasoup.transports</c> (tag <c>rxmediasoup.transport.type</c>), <c>rxmediasoup.producers</c>,
/// <c>rxmediasoup.consumers</c>, <c>rxmediasoup.data_producers</c>, <c>rxmediasoup.data_consumers</c>,
/// <c>rxmediasoup.rtp_observers</c> (tag <c>rxmediasoup.rtp_observer.type</c>): up-down counters of live entities
/// (<c>{worker}</c>, <c>{router}</c>…), +1 when created, −1 when closed for whatever reason.</item>
/// <item><c>rxmediasoup.channel.request.duration</c>: histogram in <c>s</c> of worker requests, tags <c>method</c>
/// (the worker's method, e.g. <c>TRANSPORT_PRODUCE</c>) and <c>outcome</c> (<c>ok</c>, <c>error</c>,
/// <c>timeout</c>, <c>closed</c>, <c>cancelled</c>).</item>
/// <item><c>rxmediasoup.worker.deaths</c> (<c>{death}</c>) and <c>rxmediasoup.worker.respawns</c>
/// (<c>{respawn}</c>, tag <c>outcome</c> <c>ok</c>/<c>error</c>): counters.</item>
/// <item><c>rxmediasoup.worker.cpu.time</c> (observable counter in <c>s</c>, tag <c>cpu.mode</c> <c>user</c>/<c>system</c>)
/// and <c>rxmediasoup.worker.memory.usage</c> (observable up-down counter in <c>By</c>, resident memory) of each live
/// worker, tag <c>rxmediasoup.worker.pid</c>, read from <c>/proc</c>.</item>
/// <item><c>rxmediasoup.notifications.delivered</c> (<c>{notification}</c>): counter of the worker's notifications
/// dispatched to an entity, tags <c>rxmediasoup.entity.type</c> (e.g. <c>Consumer</c>) and <c>event</c> (the worker's
/// event, e.g. <c>CONSUMER_RTP</c>).</item>
/// <item><c>rxmediasoup.notifications.dropped</c> (<c>{notification}</c>): counter, tag <c>reason</c>:
/// <c>buffer_full</c> (a full <see cref="Consumer.BufferedRtp"/> / <see cref="DataConsumer.BufferedMessages"/> queue
/// dropped its oldest value; tag <c>rxmediasoup.entity.type</c>), <c>closed_entity</c> (a notification for an entity
/// closed lately, which the worker had not yet heard of), <c>unknown_handler</c> (for an id with no entity) or
/// <c>unhandled_event</c> (an event the entity does not handle); the last three tagged <c>event</c>.</item>
/// </list>
/// Spans (kind <see cref="System.Diagnostics.ActivityKind.Client"/>): <c>&lt;Kind&gt;.Create</c> (a child's
/// creation), <c>&lt;Kind&gt;.&lt;Command&gt;</c> (e.g. <c>Producer.Pause</c>, <c>WebRtcTransport.Connect</c>) and
/// <c>&lt;Kind&gt;.Close</c>, tagged <c>rxmediasoup.entity.type</c>, <c>rxmediasoup.entity.id</c>,
/// <c>rxmediasoup.worker.pid</c> and, for a creation, <c>rxmediasoup.parent.type</c> / <c>rxmediasoup.parent.id</c>;
/// a failed command has status Error and the tag <c>error.type</c>.
/// </remarks>
public static class MediasoupTelemetry
{
    /// <summary>The name of RxMediasoup's meter: <c>RxMediasoup</c>.</summary>
    public const string MeterName = "RxMediasoup";

    /// <summary>The name of RxMediasoup's activity source: <c>RxMediasoup</c>.</summary>
    public const string ActivitySourceName = "RxMediasoup";
}
