using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace RxMediasoup.Hosting.Tests;

/// <summary>Bad settings stop the host at start-up with a message naming the setting, before any worker or other hosted service starts.</summary>
public sealed class ValidationTests
{
    public static TheoryData<string, string?, string, string> BadSettings() => new()
    {
        // key, value, the setting path the message must name, a word of the reason
        { "NumWorkers", "0", "Mediasoup:NumWorkers", "at least 1" },
        { "LoadMetric", "Fastest", "Mediasoup:LoadMetric", "unknown load metric 'Fastest'" },
        { "WorkerSettings:LogLevel", "verbose", "Mediasoup:WorkerSettings:LogLevel", "unknown log level 'verbose'" },
        { "WorkerSettings:LogTags:2", "rtpp", "Mediasoup:WorkerSettings:LogTags[2]", "unknown log tag 'rtpp'" },
        { "WorkerSettings:LogTags:0", "info,ice", "Mediasoup:WorkerSettings:LogTags[0]", "unknown log tag 'info,ice'" },
        { "WorkerSettings:LogTags:1", "3", "Mediasoup:WorkerSettings:LogTags[1]", "unknown log tag '3'" },
        { "LoadMetric", "1", "Mediasoup:LoadMetric", "unknown load metric '1'" },
        { "WorkerSettings:RtcMinPort", "70000", "Mediasoup:WorkerSettings:RtcMinPort", "0 to 65535" },
        { "WorkerSettings:RtcMaxPort", "5000", "Mediasoup:WorkerSettings:RtcMinPort", "greater than RtcMaxPort (5000)" },
        { "WorkerSettings:DtlsCertificateFile", "/nonexistent/cert.pem", "Mediasoup:WorkerSettings:DtlsCertificateFile", "does not exist" },
        { "WorkerSettings:DtlsPrivateKeyFile", "/nonexistent/key.pem", "Mediasoup:WorkerSettings:DtlsPrivateKeyFile", "does not exist" },
        { "WorkerSettings:WorkerBin", "/nonexistent/mediasoup-worker", "Mediasoup:WorkerSettings:WorkerBin", "does not exist" },
        { "WorkerSettings:Mode", "thread", "Mediasoup:WorkerSettings:Mode", "unknown worker mode 'thread'" },
        { "WorkerSettings:Mode", "1", "Mediasoup:WorkerSettings:Mode", "unknown worker mode '1'" },
        { "WorkerSettings:StartupTimeout", "00:00:00", "Mediasoup:WorkerSettings:StartupTimeout", "must be positive" },
        { "Respawn:MaxDelay", "00:00:00.5", "Mediasoup:Respawn:MaxDelay", "cannot be less than InitialDelay" },
        { "Respawn:FailureWindow", "00:00:00", "Mediasoup:Respawn:FailureWindow", "must be positive" },
        { "WebRtcServer:ListenInfos:0:PortRange:Min", "40010", "Mediasoup:WebRtcServer:ListenInfos[0]:PortRange", "Min (40010) is greater than Max (40000)" },
        { "WebRtcServer:ListenInfos:0:PortRange:Max", "70000", "Mediasoup:WebRtcServer:ListenInfos[0]:PortRange:Max", "1 to 65535" },
        { "WebRtcServer:ListenInfos:1:Port", "65535", "Mediasoup:WebRtcServer:ListenInfos[1]:Port", "passes 65535" },
        { "WebRtcServer:ListenInfos:1:Protocol", "sctp", "Mediasoup:WebRtcServer:ListenInfos[1]:Protocol", "unknown protocol 'sctp'" },
        { "WebRtcServer:ListenInfos:1:Ip", "localhost", "Mediasoup:WebRtcServer:ListenInfos[1]:Ip", "must be an IP address" },
        { "HealthChecks:LatencyThreshold", "-00:00:01", "Mediasoup:HealthChecks:LatencyThreshold", "must be positive" },
        { "HealthChecks:RespawnThreshold", "0", "Mediasoup:HealthChecks:RespawnThreshold", "at least 1" },
    };

    /// <summary>A valid base: two workers, a WebRTC server with a port range and a fixed port; each case breaks one setting.</summary>
    private static Dictionary<string, string?> Valid() => new()
    {
        ["NumWorkers"] = "2",
        ["WorkerSettings:LogLevel"] = "warn",
        ["WorkerSettings:LogTags:0"] = "info",
        ["WorkerSettings:LogTags:1"] = "ice",
        ["WorkerSettings:LogTags:2"] = "dtls",
        // Existing files (only their existence is validated; the worker checks their content).
        ["WorkerSettings:DtlsCertificateFile"] = typeof(ValidationTests).Assembly.Location,
        ["WorkerSettings:DtlsPrivateKeyFile"] = typeof(ValidationTests).Assembly.Location,
        ["WebRtcServer:ListenInfos:0:Protocol"] = "udp",
        ["WebRtcServer:ListenInfos:0:Ip"] = "127.0.0.1",
        ["WebRtcServer:ListenInfos:0:PortRange:Min"] = "40000",
        ["WebRtcServer:ListenInfos:0:PortRange:Max"] = "40000",
        ["WebRtcServer:ListenInfos:1:Protocol"] = "tcp",
        ["WebRtcServer:ListenInfos:1:Ip"] = "127.0.0.1",
        ["WebRtcServer:ListenInfos:1:Port"] = "44000",
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_stops_the_host_naming_it_before_anything_starts(string key, string? value, string path, string reason)
    {
        var settings = Valid();
        settings[key] = value;
        var probe = new Probe();
        using var host = TestHosts.Build(settings, b => b.Services.AddSingleton<IHostedService>(probe));

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var failure = Assert.Single(e.Failures, f => f.StartsWith(path + ":", StringComparison.Ordinal));
        Assert.Contains(reason, failure, StringComparison.Ordinal);
        Assert.Single(e.Failures); // only the broken setting: the valid base passes
        Assert.False(probe.Started);
        Assert.False(host.Services.GetRequiredService<MediasoupHostedService>().StartBegun); // no worker was spawned
        Assert.False(host.Services.GetRequiredService<MediasoupHostedService>().IsRunning);
        Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<WorkerManager>());
    }

    [Fact]
    public async Task Several_bad_settings_are_all_named_and_a_certificate_without_key_is_refused()
    {
        string cert = Path.GetTempFileName();
        try
        {
            var settings = Valid();
            settings["NumWorkers"] = "-1";
            settings["WorkerSettings:LogTags:1"] = "nope";
            settings["WorkerSettings:DtlsCertificateFile"] = cert;
            settings["WorkerSettings:DtlsPrivateKeyFile"] = "";
            using var host = TestHosts.Build(settings);

            var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

            Assert.Equal(
                ["Mediasoup:NumWorkers", "Mediasoup:WorkerSettings:LogTags[1]", "Mediasoup:WorkerSettings:DtlsPrivateKeyFile"],
                e.Failures.Select(f => f[..f.IndexOf(": ", StringComparison.Ordinal)]).ToArray());
            Assert.Contains("Mediasoup:WorkerSettings:LogTags[1]", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(cert);
        }
    }

    [Fact]
    public async Task The_delegate_overload_validates_too_and_names_settings_under_Mediasoup()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddMediasoup(o =>
        {
            o.NumWorkers = 1;
            o.WorkerSettings.LogTags.Add("rtp");
            o.WorkerSettings.LogTags.Add("bogus");
        });
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var failure = Assert.Single(e.Failures);
        Assert.StartsWith("Mediasoup:WorkerSettings:LogTags[1]: unknown log tag 'bogus'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failures_name_the_sections_own_path_or_the_bare_key_for_a_root_configuration()
    {
        var nested = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        nested.Configuration.AddInMemoryCollection([new("Services:Media:NumWorkers", "0")]);
        nested.Services.AddMediasoup(nested.Configuration.GetSection("Services:Media"));
        using (var host = nested.Build())
        {
            var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
            Assert.StartsWith("Services:Media:NumWorkers: must be at least 1", Assert.Single(e.Failures), StringComparison.Ordinal);
        }

        var root = new ConfigurationBuilder().AddInMemoryCollection([new("NumWorkers", "0")]).Build();
        var services = new ServiceCollection().AddMediasoup(root).BuildServiceProvider();
        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MediasoupOptions>>().Value);
        Assert.StartsWith("NumWorkers: must be at least 1", Assert.Single(failure.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_settings_map_onto_the_library_options()
    {
        var settings = Valid();
        settings["LoadMetric"] = "cputime";
        settings["WorkerSettings:RtcMinPort"] = "20000";
        settings["WorkerSettings:RtcMaxPort"] = "20100";
        settings["Respawn:Enabled"] = "false";
        settings["Respawn:InitialDelay"] = "00:00:02";
        settings["Respawn:MaxDelay"] = "00:00:10";
        settings["WorkerSettings:Mode"] = "inprocess";
        using var host = TestHosts.Build(settings);
        var options = host.Services.GetRequiredService<IOptions<MediasoupOptions>>().Value;

        var mapped = MediasoupOptionsValidator.ToWorkerManagerOptions(options, null);

        Assert.Equal(2, mapped.NumWorkers);
        Assert.Equal(WorkerLoadMetric.CpuTime, mapped.LoadMetric);
        Assert.Equal(WorkerLogLevel.Warn, mapped.WorkerSettings.LogLevel);
        Assert.Equal([WorkerLogTag.Info, WorkerLogTag.Ice, WorkerLogTag.Dtls], mapped.WorkerSettings.LogTags);
        Assert.Equal((20000, 20100), (mapped.WorkerSettings.RtcMinPort, mapped.WorkerSettings.RtcMaxPort));
        Assert.Equal(WorkerMode.InProcess, mapped.WorkerSettings.Mode);
        Assert.Equal(new WorkerRespawnPolicy { Enabled = false, InitialDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(10) }, mapped.Respawn);

        var second = MediasoupOptionsValidator.ToWebRtcServerOptions(options.WebRtcServer!, slot: 1);
        Assert.Equal(TransportProtocol.Udp, second.ListenInfos[0].Protocol);
        Assert.Equal(new PortRange(40000, 40000), second.ListenInfos[0].PortRange);
        Assert.Null(second.ListenInfos[0].Port);
        Assert.Equal(TransportProtocol.Tcp, second.ListenInfos[1].Protocol);
        Assert.Equal(44001, second.ListenInfos[1].Port); // the fixed port plus the worker's slot
    }

    [Fact]
    public void The_default_number_of_workers_is_one_per_core()
        => Assert.Equal(Environment.ProcessorCount, new MediasoupOptions().NumWorkers);

    private sealed class Probe : IHostedService
    {
        public bool Started { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Started = true;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
