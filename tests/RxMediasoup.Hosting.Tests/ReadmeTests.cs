using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace RxMediasoup.Hosting.Tests;

/// <summary>The appsettings.json shape documented in src/RxMediasoup.Hosting/README.md binds and validates as documented.</summary>
public sealed class ReadmeTests
{
    private static string ReadmeJson()
    {
        string readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Hosting-README.md"));
        int start = readme.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        return readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
    }

    [Fact]
    public void The_documented_appsettings_bind_and_pass_validation()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(ReadmeJson())));
        builder.Services.AddMediasoup(builder.Configuration.GetSection("Mediasoup"));
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<MediasoupOptions>>().Value; // validates (throws if invalid)

        Assert.Equal(4, options.NumWorkers);
        Assert.Equal(["info", "ice", "dtls"], options.WorkerSettings.LogTags);
        Assert.Null(options.WorkerSettings.RtcMinPort);
        Assert.Null(options.WorkerSettings.DtlsCertificateFile);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Respawn.MaxDelay);
        var server = Assert.IsType<MediasoupWebRtcServerOptions>(options.WebRtcServer);
        Assert.Equal(["udp", "tcp"], server.ListenInfos.Select(i => i.Protocol));
        Assert.All(server.ListenInfos, i => Assert.Equal(44444, i.Port));
        Assert.Equal("203.0.113.7", server.ListenInfos[0].AnnouncedAddress);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.HealthChecks.LatencyThreshold);
        Assert.Equal(2, options.HealthChecks.RespawnThreshold);
    }

    [Fact]
    public void The_documented_failure_message_is_the_validators()
    {
        var options = new MediasoupOptions();
        options.WorkerSettings.LogTags.AddRange(["info", "ice", "rtpp"]);

        var result = new MediasoupOptionsValidator("Mediasoup").Validate(null, options);

        string failure = Assert.Single(result.Failures!);
        Assert.Contains(failure, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Hosting-README.md")), StringComparison.Ordinal);
    }
}
