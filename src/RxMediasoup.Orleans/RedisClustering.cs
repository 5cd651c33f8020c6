using Microsoft.Extensions.Hosting;
using Orleans.Clustering.Redis;
using StackExchange.Redis;

namespace RxMediasoup.Orleans;

/// <summary>
/// Redis clustering for rooms across hosts (Microsoft.Orleans.Clustering.Redis): the cluster's membership table is kept
/// in a Redis server that every silo and client reaches, so silos on different machines find each other and learn of
/// each other's death. For development and tests on one machine, Orleans' localhost clustering needs no Redis.
/// </summary>
/// <remarks>
/// Every silo of a cluster uses the same Redis server and the same <c>ClusterOptions.ClusterId</c> (the membership is
/// kept under a key derived from the service and cluster ids, so clusters with other ids can share one Redis).
/// </remarks>
public static class MediasoupRedisClustering
{
    /// <summary>Keeps the silo's cluster membership in Redis.</summary>
    /// <param name="builder">The silo.</param>
    /// <param name="redisConfiguration">The Redis server in StackExchange.Redis' configuration form, e.g. <c>127.0.0.1:6379</c> or <c>redis1:6379,password=…</c>.</param>
    /// <param name="configure">Further Redis clustering options (e.g. <see cref="RedisClusteringOptions.EntryExpiry"/> for throw-away clusters).</param>
    /// <exception cref="ArgumentException"><paramref name="redisConfiguration"/> is empty, unparsable or names no endpoint (<c>redisConfiguration</c>).</exception>
    public static ISiloBuilder UseMediasoupRedisClustering(this ISiloBuilder builder, string redisConfiguration, Action<RedisClusteringOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var parsed = ParseRedisConfiguration(redisConfiguration);
        return builder.UseRedisClustering(options =>
        {
            options.ConfigurationOptions = parsed.Clone();
            configure?.Invoke(options);
        });
    }

    /// <summary>Finds the cluster's gateways through the membership kept in Redis (a client outside the silos).</summary>
    /// <param name="builder">The client.</param>
    /// <param name="redisConfiguration">The same Redis server as the silos' (<see cref="UseMediasoupRedisClustering(ISiloBuilder, string, Action{RedisClusteringOptions}?)"/>).</param>
    /// <param name="configure">Further Redis clustering options.</param>
    /// <exception cref="ArgumentException"><paramref name="redisConfiguration"/> is empty, unparsable or names no endpoint (<c>redisConfiguration</c>).</exception>
    public static IClientBuilder UseMediasoupRedisClustering(this IClientBuilder builder, string redisConfiguration, Action<RedisClusteringOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var parsed = ParseRedisConfiguration(redisConfiguration);
        return builder.UseRedisClustering(options =>
        {
            options.ConfigurationOptions = parsed.Clone();
            configure?.Invoke(options);
        });
    }

    /// <summary>Parses and checks a Redis configuration string (at least one endpoint).</summary>
    /// <exception cref="ArgumentException">Empty, unparsable or without an endpoint; <see cref="ArgumentException.ParamName"/> is <c>redisConfiguration</c>.</exception>
    internal static ConfigurationOptions ParseRedisConfiguration(string redisConfiguration)
    {
        const string field = "redisConfiguration";
        if (string.IsNullOrWhiteSpace(redisConfiguration))
            throw new ArgumentException("the Redis server is required, e.g. 127.0.0.1:6379", field);
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(redisConfiguration);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or RedisConnectionException)
        {
            throw new ArgumentException($"not a Redis configuration ('{redisConfiguration}'): {e.Message}", field, e);
        }
        if (options.EndPoints.Count == 0)
            throw new ArgumentException($"names no Redis server ('{redisConfiguration}'), e.g. 127.0.0.1:6379", field);
        if (options.EndPoints.OfType<System.Net.DnsEndPoint>().FirstOrDefault(e => e.Host.Contains("://", StringComparison.Ordinal)) is { } url)
            throw new ArgumentException($"give the Redis server as HOST:PORT, not a URL ('{url.Host}')", field);
        return options;
    }
}
