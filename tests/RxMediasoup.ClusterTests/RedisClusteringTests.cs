using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;
using RxMediasoup.BrowserTesting;
using RxMediasoup.Orleans;
using Xunit.Abstractions;

namespace RxMediasoup.ClusterTests;

/// <summary>RxMediasoup.Orleans' Redis clustering (<see cref="MediasoupRedisClustering"/>) against a real redis-server.</summary>
[Trait("Category", "Cluster")]
public sealed class RedisClusteringTests(ITestOutputHelper output)
{
    private const string ClusterId = "redis-clustering-tests";

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("127.0.0.1:notaport")]
    [InlineData("redis://127.0.0.1:6379")]
    [InlineData("nosuchoption=1")]
    public void ABadRedisConfigurationIsRefusedNamingTheArgument(string configuration)
    {
        var silo = Assert.Throws<ArgumentException>(() => Host.CreateApplicationBuilder().UseOrleans(s => s.UseMediasoupRedisClustering(configuration)));
        Assert.Equal("redisConfiguration", silo.ParamName);
        var client = Assert.Throws<ArgumentException>(() => Host.CreateApplicationBuilder().UseOrleansClient(c => c.UseMediasoupRedisClustering(configuration)));
        Assert.Equal("redisConfiguration", client.ParamName);
    }

    [Fact(Timeout = 120_000)]
    public async Task TwoSilosFindEachOtherThroughRedisAClientReachesThemAndAStoppedOneLeaves()
    {
        await using var redis = await RedisServer.StartAsync();
        using var first = await StartAsync(SiloBuilder(redis));
        using var second = await StartAsync(SiloBuilder(redis));
        var clientBuilder = Host.CreateApplicationBuilder();
        clientBuilder.Logging.ClearProviders();
        clientBuilder.UseOrleansClient(c =>
        {
            c.UseMediasoupRedisClustering(redis.Endpoint);
            c.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ClusterId));
        });
        using var client = await StartAsync(clientBuilder);
        var management = client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);

        var formed = System.Diagnostics.Stopwatch.StartNew();
        var hosts = await Eventually.WaitAsync(() => management.GetHosts(onlyActive: true), h => h.Count == 2, TimeSpan.FromSeconds(30),
            "two active silos", h => string.Join(", ", h.Keys));
        output.WriteLine($"two active silos seen by the client {formed.ElapsedMilliseconds} ms after it started: {string.Join(", ", hosts.Keys)}");
        // The membership is in this Redis (under a key naming the cluster), nowhere else.
        Assert.Contains(await redis.KeysAsync(), k => k.Contains(ClusterId, StringComparison.Ordinal));

        await second.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        await Eventually.WaitAsync(() => management.GetHosts(onlyActive: true), h => h.Count == 1, TimeSpan.FromSeconds(30),
            "one active silo after the second stopped", h => string.Join(", ", h.Keys));
        await client.StopAsync();
        await first.StopAsync();
    }

    private static HostApplicationBuilder SiloBuilder(RedisServer redis)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.UseMediasoupRedisClustering(redis.Endpoint);
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ClusterId));
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort());
        });
        return builder;
    }

    private static async Task<IHost> StartAsync(HostApplicationBuilder builder)
    {
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
