using Xunit.Abstractions;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RxMediasoup.Hosting.Tests;

/// <summary>The host's ILoggerFactory gets the library's logs; no key material reaches them.</summary>
public sealed class LoggingTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rxms-dtls-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task At_trace_level_with_worker_debug_logs_and_all_tags_no_line_holds_a_DTLS_private_key_or_an_SRTP_key()
    {
        // DTLS certificate and key files of our own (the worker loads them at start).
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=rxmediasoup-test", key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        string certFile = Path.Combine(_dir, "cert.pem"), keyFile = Path.Combine(_dir, "key.pem");
        File.WriteAllText(certFile, cert.ExportCertificatePem());
        string keyPem = key.ExportPkcs8PrivateKeyPem();
        File.WriteAllText(keyFile, keyPem);
        string keyBase64 = string.Concat(keyPem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim()));

        var settings = new Dictionary<string, string?>
        {
            ["NumWorkers"] = "1",
            ["WorkerSettings:LogLevel"] = "debug",
            ["WorkerSettings:DtlsCertificateFile"] = certFile,
            ["WorkerSettings:DtlsPrivateKeyFile"] = keyFile,
            ["WebRtcServer:ListenInfos:0:Ip"] = "127.0.0.1",
            ["WebRtcServer:ListenInfos:0:Port"] = "0",
        };
        var tags = Enum.GetNames<WorkerLogTag>();
        for (int i = 0; i < tags.Length; i++) settings[$"WorkerSettings:LogTags:{i}"] = tags[i].ToLowerInvariant();
        var capture = new CapturingLoggerProvider();
        using var host = TestHosts.Build(settings, b =>
        {
            b.Logging.ClearProviders();
            b.Logging.AddProvider(capture);
            b.Logging.SetMinimumLevel(LogLevel.Trace);
        });

        var srtpKeys = new List<string>();
        await host.StartAsync();
        try
        {
            var manager = host.Services.GetRequiredService<WorkerManager>();
            var worker = manager.Workers.Items.Single();
            await using var router = await manager.CreateRouterAsync();

            await using var webRtc = await router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
            {
                WebRtcServer = host.Services.GetRequiredService<MediasoupWebRtcServers>().Get(worker),
            });
            Assert.NotEmpty(webRtc.DtlsParameters.Fingerprints);
            // The worker uses our certificate: its fingerprint is ours.
            string ours = Convert.ToHexString(SHA256.HashData(cert.RawData));
            Assert.Contains(webRtc.DtlsParameters.Fingerprints,
                f => f.Value.Replace(":", "", StringComparison.Ordinal).Equals(ours, StringComparison.OrdinalIgnoreCase));

            await using var plain = await router.CreatePlainTransportAsync(new PlainTransportOptions
            {
                ListenInfo = new ListenInfo { Ip = "127.0.0.1" },
                EnableSrtp = true,
            });
            srtpKeys.Add(Assert.IsType<SrtpParameters>(plain.SrtpParameters).KeyBase64);
            var remote = new SrtpParameters
            {
                CryptoSuite = SrtpCryptoSuite.AesCm128HmacSha1_80,
                KeyBase64 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)),
            };
            srtpKeys.Add(remote.KeyBase64);
            await plain.ConnectAsync(ip: "127.0.0.1", port: 40999, srtpParameters: remote);
            await plain.DumpAsync();
            await webRtc.DumpAsync();
        }
        finally
        {
            await host.StopAsync();
        }

        var entries = capture.Entries.ToArray();
        foreach (var g in entries.GroupBy(e => (e.Category, e.Level)).OrderBy(g => g.Key.Category))
            output.WriteLine($"{g.Key.Category} {g.Key.Level}: {g.Count()}");
        // The logs are there (so the assertion below has something to search): the worker's own debug lines
        // under RxMediasoup.Worker, and the library's trace/debug lines.
        Assert.Contains(entries, e => e.Category == "RxMediasoup.Worker" && e.Level == LogLevel.Debug);
        Assert.Contains(entries, e => e.Category == "RxMediasoup.Hosting" && e.Message.Contains("mediasoup workers closed", StringComparison.Ordinal));
        Assert.True(entries.Length > 20, $"only {entries.Length} log entries");

        var secrets = new List<string> { keyBase64 };
        // Any 24-character run of the key's base64 (a PEM line is 64) would betray it.
        for (int i = 0; i + 24 <= keyBase64.Length; i += 12) secrets.Add(keyBase64.Substring(i, 24));
        secrets.Add("PRIVATE KEY");
        secrets.AddRange(srtpKeys);
        foreach (var k in srtpKeys) secrets.Add(Convert.ToHexString(Convert.FromBase64String(k)));
        foreach (var entry in entries)
        {
            Assert.DoesNotContain("PRIVATE KEY", entry.Scope ?? "", StringComparison.Ordinal);
            foreach (var secret in secrets)
                Assert.False(entry.Message.Contains(secret, StringComparison.OrdinalIgnoreCase),
                    $"a {entry.Category} {entry.Level} line holds key material: {entry.Message}");
        }
    }

    [Fact]
    public async Task Entities_log_under_their_own_category_with_their_id_in_a_scope()
    {
        var capture = new CapturingLoggerProvider();
        using var host = TestHosts.Build(new Dictionary<string, string?> { ["NumWorkers"] = "1" }, b =>
        {
            b.Logging.ClearProviders();
            b.Logging.AddProvider(capture);
            b.Logging.SetMinimumLevel(LogLevel.Debug);
        });
        await host.StartAsync();
        try
        {
            var manager = host.Services.GetRequiredService<WorkerManager>();
            var router = await manager.CreateRouterAsync();
            var transport = await router.CreateDirectTransportAsync();
            // A subscriber that throws is logged (and removed) by the entity whose stream it subscribed to.
            using var s1 = router.Closed.Subscribe(_ => throw new InvalidOperationException("router subscriber"));
            using var s2 = transport.Closed.Subscribe(_ => throw new InvalidOperationException("transport subscriber"));
            await router.CloseAsync();
            await Processes.UntilAsync(() => capture.Entries.Count(e => e.Message.Contains(" subscriber", StringComparison.Ordinal)
                && e.Level == LogLevel.Error) >= 2, TimeSpan.FromSeconds(10), "the subscribers' errors");

            var routerEntry = Assert.Single(capture.Entries, e => e.Message.Contains("router subscriber", StringComparison.Ordinal));
            Assert.Equal("RxMediasoup.Router", routerEntry.Category);
            Assert.Equal($"EntityKind=Router,EntityId={router.Id}", routerEntry.Scope);
            var transportEntry = Assert.Single(capture.Entries, e => e.Message.Contains("transport subscriber", StringComparison.Ordinal));
            Assert.Equal("RxMediasoup.DirectTransport", transportEntry.Category);
            Assert.Equal($"EntityKind=DirectTransport,EntityId={transport.Id}", transportEntry.Scope);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
