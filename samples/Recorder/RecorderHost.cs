using System.Globalization;
using System.Reactive.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RxMediasoup.Samples.Recorder;

using RxMediasoup.Samples.Room;

/// <summary>What the Recorder program records and for how long.</summary>
public sealed record RecorderHostOptions
{
    /// <summary>The room to join.</summary>
    public string RoomId { get; init; } = "demo";

    /// <summary>The recorder's peer id in the room.</summary>
    public string PeerId { get; init; } = "recorder";

    /// <summary>Only record a producer of this peer (null: the first peer that has one of <see cref="Kind"/>).</summary>
    public string? SourcePeerId { get; init; }

    /// <summary>The kind of producer to record.</summary>
    public MediaKind Kind { get; init; } = MediaKind.Video;

    /// <summary>The .webm file.</summary>
    public required string OutputPath { get; init; }

    /// <summary>Stop after this long from the first packet (null: when the producer closes, or at Ctrl+C).</summary>
    public TimeSpan? Duration { get; init; }
}

/// <summary>How a recording ended: the file and the time from the first packet to the stop request.</summary>
public sealed record RecordingResult(string OutputPath, TimeSpan Recorded, int FfmpegExitCode);

/// <summary>Records one producer of a room of the in-process Room server.</summary>
public static class RecorderHost
{
    /// <summary>
    /// One Rx pipeline: the room's producers (<c>Room.Producers</c>, a live collection) → the first that matches →
    /// <see cref="WebmRecorder.Using"/> on the room's router → its first packet → the stop signal (the duration elapsed,
    /// or the producer left the room) → <see cref="Recording.StopAsync"/> → the result line. Ctrl+C disposes the
    /// pipeline, which also finishes the file (ffmpeg is asked to quit before it is killed).
    /// </summary>
    public static async Task StartAsync(WebApplication app, RecorderHostOptions options, CancellationToken cancellationToken)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RxMediasoup.Samples.Recorder");
        var room = await app.Services.GetRequiredService<Rooms>().GetOrCreateAsync(options.RoomId, cancellationToken);
        var peer = await room.JoinServerPeerAsync(options.PeerId, cancellationToken);
        string kind = options.Kind == MediaKind.Video ? "video" : "audio";
        var recorder = room.Producers.Added()
            .Where(p => p.PeerId != options.PeerId && p.Producer.Kind == options.Kind && !p.Producer.IsClosed
                        && (options.SourcePeerId is null || p.PeerId == options.SourcePeerId))
            .Take(1)
            .Do(p => log.LogInformation("recording {Peer}'s {Kind} producer {Producer} into {File}", p.PeerId, kind, p.Producer.Id, options.OutputPath))
            .SelectMany(p => WebmRecorder.Using(room.Router.Value, p.Producer.Id, new RecorderOptions { OutputPath = options.OutputPath })
                .SelectMany(recording => recording.FirstPacket
                    .Do(_ => log.LogInformation("first packet sent to ffmpeg {Pid}", recording.FfmpegPid))
                    .SelectMany(start => (options.Duration is { } d ? Observable.Timer(d).Select(_ => "duration elapsed") : Observable.Never<string>())
                        .Amb(room.Producers.WhenRemoved(p).Select(_ => "the producer left the room"))
                        .Take(1)
                        .Do(reason => log.LogInformation("stopping: {Reason}", reason))
                        .Select(_ => DateTimeOffset.UtcNow)
                        .SelectMany(stop => Observable.FromAsync(recording.StopAsync)
                            .Select(code => new RecordingResult(recording.OutputPath, stop - start, code))))))
            .Take(1)
            .Subscribe(
                result => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"recording finished: {result.OutputPath} ({result.Recorded.TotalSeconds:0.000} s from first packet to stop, ffmpeg exit code {result.FfmpegExitCode})")),
                error => log.LogError("recording failed: {Error}", error.Message));
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            recorder.Dispose(); // an unfinished recording: ffmpeg is asked to finish the file, then the transport closes
            peer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        });
        string url = app.Urls.FirstOrDefault() ?? "http://127.0.0.1:3000";
        Console.WriteLine($"Recorder in room '{options.RoomId}' waiting for {(options.SourcePeerId is null ? "the first peer's" : $"{options.SourcePeerId}'s")} {kind}: " +
                          $"join at {url}/?roomId={Uri.EscapeDataString(options.RoomId)}&peerId={Uri.EscapeDataString(options.SourcePeerId ?? "alice")}");
    }
}
