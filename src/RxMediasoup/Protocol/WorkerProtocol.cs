using RxMediasoup.Channel;
using RxMediasoup.Diagnostics;
using static RxMediasoup.Protocol.ProtocolHelpers;
using Method = FBS.Request.Method;

namespace RxMediasoup.Protocol;

/// <summary>Requests, notifications and responses of the worker itself (handler: none / the pid).</summary>
internal static class WorkerProtocol
{
    public static Task<WorkerDump> DumpAsync(WorkerChannel channel, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.WORKER_DUMP, null, ParseDump, cancellationToken);

    public static Task<WorkerResourceUsage> GetResourceUsageAsync(WorkerChannel channel, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.WORKER_GET_RESOURCE_USAGE, null, ParseResourceUsage, cancellationToken);

    public static Task UpdateSettingsAsync(WorkerChannel channel, WorkerUpdateableSettings settings, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.WORKER_UPDATE_SETTINGS, null, FBS.Request.Body.Worker_UpdateSettingsRequest, settings,
            static (b, s) =>
            {
                var level = s.LogLevel is { } l ? b.CreateString(WorkerWire.ToWire(l)) : default;
                var tags = s.LogTags is { } t
                    ? StringVector(b, t.Select(WorkerWire.ToWire).ToArray())
                    : default;
                return FBS.Worker.UpdateSettingsRequest.CreateUpdateSettingsRequest(b, level, tags).Value;
            },
            Accepted, cancellationToken);

    /// <summary>Tells the worker to close (a notification: the worker does not answer, it exits).</summary>
    public static void NotifyClose(WorkerChannel channel) => channel.Notify(FBS.Notification.Event.WORKER_CLOSE, null);

    /// <summary>A sink for the worker's own notifications (handler id: its pid), i.e. WORKER_RUNNING.</summary>
    public static INotificationSink RunningSink(Action onRunning) => new RunningNotificationSink(onRunning);

    private static readonly ResponseParser<WorkerDump> ParseDump = static (in FBS.Response.Response response) =>
    {
        var dump = response.BodyAsWorker_DumpResponse();
        var handlers = Required(dump.ChannelMessageHandlers, "channelMessageHandlers");
        return new WorkerDump
        {
            Pid = (int)dump.Pid,
            WebRtcServerIds = Strings(dump, dump.WebRtcServerIdsLength, static (t, i) => t.WebRtcServerIds(i)),
            RouterIds = Strings(dump, dump.RouterIdsLength, static (t, i) => t.RouterIds(i)),
            ChannelMessageHandlers = new ChannelMessageHandlers
            {
                ChannelRequestHandlers = Strings(handlers, handlers.ChannelRequestHandlersLength, static (t, i) => t.ChannelRequestHandlers(i)),
                ChannelNotificationHandlers = Strings(handlers, handlers.ChannelNotificationHandlersLength, static (t, i) => t.ChannelNotificationHandlers(i)),
            },
        };
    };

    private static readonly ResponseParser<WorkerResourceUsage> ParseResourceUsage = static (in FBS.Response.Response response) =>
    {
        var ru = response.BodyAsWorker_ResourceUsageResponse();
        return new WorkerResourceUsage
        {
            UserCpuTime = TimeSpan.FromMilliseconds(ru.RuUtime),
            SystemCpuTime = TimeSpan.FromMilliseconds(ru.RuStime),
            MaxResidentSetSize = ru.RuMaxrss,
            SharedMemorySize = ru.RuIxrss,
            UnsharedDataSize = ru.RuIdrss,
            UnsharedStackSize = ru.RuIsrss,
            MinorPageFaults = ru.RuMinflt,
            MajorPageFaults = ru.RuMajflt,
            Swaps = ru.RuNswap,
            BlockInputOperations = ru.RuInblock,
            BlockOutputOperations = ru.RuOublock,
            IpcMessagesSent = ru.RuMsgsnd,
            IpcMessagesReceived = ru.RuMsgrcv,
            SignalsReceived = ru.RuNsignals,
            VoluntaryContextSwitches = ru.RuNvcsw,
            InvoluntaryContextSwitches = ru.RuNivcsw,
        };
    };

    private sealed class RunningNotificationSink(Action onRunning) : INotificationSink
    {
        public void OnNotification(FBS.Notification.Event @event, in FBS.Notification.Notification notification)
        {
            if (@event != FBS.Notification.Event.WORKER_RUNNING) return;
            if (Telemetry.NotificationsDelivered.Enabled) Telemetry.CountDelivered(nameof(Worker), FbsNames.Of(@event));
            onRunning();
        }
    }
}
