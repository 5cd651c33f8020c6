using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime;

namespace RxMediasoup.Orleans;

/// <summary>Registers the cross-silo rooms in a silo.</summary>
public static class MediasoupRoomsExtensions
{
    /// <summary>
    /// Adds the rooms to the silo: <see cref="IMediasoupRooms"/> (the silo's media service, on the
    /// <see cref="WorkerManager"/> that <c>services.AddMediasoup(...)</c> registers — call that too; no second manager is
    /// created), the room and media-silo grains, and <see cref="SiloBoundPlacement"/>'s director.
    /// </summary>
    public static ISiloBuilder UseMediasoupRooms(this ISiloBuilder builder, Action<MediasoupRoomsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMediasoupRooms(configure);
        return builder;
    }

    /// <summary>
    /// The same as <see cref="UseMediasoupRooms"/> on a silo's service collection. Calling it again adds configuration
    /// (e.g. a Redis clustering helper or a test turning SRTP on).
    /// </summary>
    public static IServiceCollection AddMediasoupRooms(this IServiceCollection services, Action<MediasoupRoomsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        // Each call adds its configuration (in order); a bad setting fails here, naming it, and again when resolved.
        var probe = new MediasoupRoomsOptions();
        configure?.Invoke(probe);
        probe.Validate();
        var builder = services.AddOptions<MediasoupRoomsOptions>();
        if (configure is not null) builder.Configure(configure);
        services.TryAddSingleton<MediasoupRooms>();
        services.TryAddSingleton<IMediasoupRooms>(sp => sp.GetRequiredService<MediasoupRooms>());
        services.AddPlacementDirector<SiloBoundPlacement, SiloBoundPlacementDirector>();
        return services;
    }
}

/// <summary>Addressing of the per-silo media service.</summary>
public static class MediasoupRoomsGrainFactoryExtensions
{
    /// <summary>The media service grain of <paramref name="silo"/> (keyed by its parsable address, placed on it).</summary>
    public static IMediaSiloGrain GetMediaSilo(this IGrainFactory factory, SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(silo);
        return factory.GetGrain<IMediaSiloGrain>(silo.ToParsableString());
    }

    /// <summary>The room grain of <paramref name="roomId"/>.</summary>
    /// <exception cref="ArgumentException">Empty room id (<c>roomId</c>).</exception>
    public static IRoomGrain GetRoom(this IGrainFactory factory, string roomId)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        return factory.GetGrain<IRoomGrain>(roomId);
    }
}
