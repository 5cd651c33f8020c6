using System.Text;
using FBS.Request;

namespace RxMediasoup.Testing;

/// <summary>The simulation's coverage of the worker's request methods (tests/SIMULATION.md is checked against it).</summary>
internal static class SimulatedMethods
{
    /// <summary>The methods the simulation answers (others are rejected with "not simulated yet").</summary>
    public static readonly IReadOnlySet<Method> Implemented = new HashSet<Method>
    {
        Method.WORKER_DUMP, Method.WORKER_GET_RESOURCE_USAGE, Method.WORKER_UPDATE_SETTINGS, Method.WORKER_CREATE_ROUTER,
        Method.WORKER_CLOSE_ROUTER,
        Method.ROUTER_DUMP, Method.ROUTER_CREATE_WEBRTCTRANSPORT, Method.ROUTER_CREATE_PLAINTRANSPORT,
        Method.ROUTER_CREATE_DIRECTTRANSPORT, Method.ROUTER_CLOSE_TRANSPORT,
        Method.TRANSPORT_DUMP, Method.TRANSPORT_GET_STATS, Method.WEBRTCTRANSPORT_CONNECT, Method.TRANSPORT_PRODUCE,
        Method.TRANSPORT_CONSUME, Method.TRANSPORT_CLOSE_PRODUCER, Method.TRANSPORT_CLOSE_CONSUMER,
        Method.PRODUCER_PAUSE, Method.PRODUCER_RESUME, Method.PRODUCER_DUMP, Method.PRODUCER_GET_STATS,
        Method.CONSUMER_PAUSE, Method.CONSUMER_RESUME, Method.CONSUMER_SET_PREFERRED_LAYERS, Method.CONSUMER_DUMP,
        Method.CONSUMER_GET_STATS,
        Method.TRANSPORT_SET_MAX_INCOMING_BITRATE, Method.TRANSPORT_SET_MAX_OUTGOING_BITRATE,
        Method.TRANSPORT_SET_MIN_OUTGOING_BITRATE, Method.TRANSPORT_ENABLE_TRACE_EVENT, Method.TRANSPORT_RESTART_ICE,
        Method.PRODUCER_ENABLE_TRACE_EVENT, Method.CONSUMER_SET_PRIORITY, Method.CONSUMER_REQUEST_KEY_FRAME,
        Method.CONSUMER_ENABLE_TRACE_EVENT,
        // SimulatedEngine.Data.cs
        Method.TRANSPORT_PRODUCE_DATA, Method.TRANSPORT_CONSUME_DATA, Method.TRANSPORT_CLOSE_DATAPRODUCER,
        Method.TRANSPORT_CLOSE_DATACONSUMER, Method.DATAPRODUCER_DUMP, Method.DATAPRODUCER_GET_STATS, Method.DATAPRODUCER_PAUSE,
        Method.DATAPRODUCER_RESUME, Method.DATACONSUMER_DUMP, Method.DATACONSUMER_GET_STATS, Method.DATACONSUMER_PAUSE,
        Method.DATACONSUMER_RESUME, Method.DATACONSUMER_GET_BUFFERED_AMOUNT, Method.DATACONSUMER_SET_BUFFERED_AMOUNT_LOW_THRESHOLD,
        Method.DATACONSUMER_SEND, Method.DATACONSUMER_SET_SUBCHANNELS, Method.DATACONSUMER_ADD_SUBCHANNEL,
        Method.DATACONSUMER_REMOVE_SUBCHANNEL,
        // SimulatedEngine.RtpObservers.cs
        Method.ROUTER_CREATE_ACTIVESPEAKEROBSERVER, Method.ROUTER_CREATE_AUDIOLEVELOBSERVER, Method.ROUTER_CLOSE_RTPOBSERVER,
        Method.RTPOBSERVER_PAUSE, Method.RTPOBSERVER_RESUME, Method.RTPOBSERVER_ADD_PRODUCER, Method.RTPOBSERVER_REMOVE_PRODUCER,
        // SimulatedEngine.WebRtcServer.cs
        Method.WORKER_CREATE_WEBRTCSERVER, Method.WORKER_WEBRTCSERVER_CLOSE, Method.WEBRTCSERVER_DUMP,
        Method.ROUTER_CREATE_WEBRTCTRANSPORT_WITH_SERVER,
        Method.PLAINTRANSPORT_CONNECT, // SimulatedEngine.Plain.cs, with SRTP
        Method.ROUTER_CREATE_PIPETRANSPORT, Method.PIPETRANSPORT_CONNECT, // SimulatedEngine.Pipe.cs
        Method.TRANSPORT_CONNECT, // rejected as the worker does: no transport handles it
    };

    private static readonly string[] Words =
    [
        "webrtcserver", "webrtctransport", "plaintransport", "pipetransport", "directtransport", "dataproducer",
        "dataconsumer", "rtpobserver", "activespeakerobserver", "audiolevelobserver",
    ];

    private static readonly string[] Spelled =
    [
        "WebRtcServer", "WebRtcTransport", "PlainTransport", "PipeTransport", "DirectTransport", "DataProducer",
        "DataConsumer", "RtpObserver", "ActiveSpeakerObserver", "AudioLevelObserver",
    ];

    /// <summary>
    /// The worker's name of a method as it appears in its error reasons, e.g. ROUTER_CREATE_WEBRTCTRANSPORT →
    /// <c>router.createWebRtcTransport</c> (worker/src/Channel/ChannelRequest.cpp's method2String follows this pattern, with one exception).
    /// </summary>
    public static string Name(Method method)
        => (int)method < Names.Length && Names[(int)method] is { } name ? name : Spell(method);

    /// <summary>True for the worker's own methods (<c>WORKER_*</c>), which no handler id addresses.</summary>
    public static bool IsWorkerMethod(Method method) => Name(method).StartsWith("worker.", StringComparison.Ordinal);

    /// <summary>The entity kind a method is for, as the worker names it (<c>"Router"</c>, <c>"WebRtcTransport"</c>...).</summary>
    public static string Kind(Method method)
        => (int)method < Kinds.Length && Kinds[(int)method] is { } kind ? kind : KindOf(Name(method));

    // Spelled once per method: every request of a simulation is named (its log, its errors), ~72,000 in the scripted hour.
    private static readonly string?[] Names = Table(Spell);

    private static readonly string?[] Kinds = Table(m => KindOf(Spell(m)));

    private static string?[] Table(Func<Method, string> spell)
    {
        var values = Enum.GetValues<Method>();
        var table = new string?[values.Max(m => (int)m) + 1];
        foreach (var m in values) table[(int)m] = spell(m);
        return table;
    }

    private static string KindOf(string name)
    {
        string kind = name[..name.IndexOf('.', StringComparison.Ordinal)];
        return char.ToUpperInvariant(kind[0]) + kind[1..];
    }

    private static string Spell(Method method)
    {
        if (method == Method.WORKER_WEBRTCSERVER_CLOSE) return "worker.closeWebRtcServer"; // the one exception to the pattern
        var parts = method.ToString().ToLowerInvariant().Split('_');
        var name = new StringBuilder(Word(parts[0], first: true)).Append('.');
        for (int i = 1; i < parts.Length; i++) name.Append(Word(parts[i], first: i == 1));
        return name.ToString();
    }

    private static string Word(string word, bool first)
    {
        int known = Array.IndexOf(Words, word);
        string spelled = known >= 0 ? Spelled[known] : char.ToUpperInvariant(word[0]) + word[1..];
        return first ? char.ToLowerInvariant(spelled[0]) + spelled[1..] : spelled;
    }
}
