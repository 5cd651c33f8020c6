// Placeholder until the Room hosting surface lands: broadcast into a router of one worker and print producer scores.
using System.Reactive.Linq;
using RxMediasoup;
using RxMediasoup.Samples.Broadcast;

await using var worker = await Worker.CreateAsync();
var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = [
    new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2 },
    new RtpCodecCapability { Kind = MediaKind.Video, MimeType = "video/VP8", ClockRate = 90000 }] });
using var broadcast = FfmpegBroadcast.Using(router, new BroadcastOptions { Input = args.FirstOrDefault() })
    .SelectMany(s => s.Video.Score)
    .Subscribe(s => Console.WriteLine($"video score {string.Join(",", s.Select(x => x.Score))}"), e => Console.Error.WriteLine(e.Message));
await Task.Delay(TimeSpan.FromSeconds(5));
