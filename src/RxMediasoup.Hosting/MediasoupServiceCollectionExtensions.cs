using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace RxMediasoup.Hosting;

/// <summary>Registers RxMediasoup in a host's services.</summary>
public static class MediasoupServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="WorkerManager"/> (a singleton, started with the host by <see cref="MediasoupHostedService"/>)
    /// with options bound from <paramref name="configuration"/> (e.g. <c>builder.Configuration.GetSection("Mediasoup")</c>)
    /// and validated when the host starts: invalid settings stop it with an <see cref="OptionsValidationException"/>
    /// naming each bad setting's path, before any worker starts. The host's <c>ILoggerFactory</c> gets the library's logs.
    /// </summary>
    public static IServiceCollection AddMediasoup(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        // A section names failures by its path; the root configuration by the bare keys.
        string path = configuration is IConfigurationSection section ? section.Path : "";
        services.AddOptions<MediasoupOptions>().Bind(configuration);
        return services.AddMediasoupCore(path);
    }

    /// <summary>
    /// Adds the <see cref="WorkerManager"/> (see <see cref="AddMediasoup(IServiceCollection, IConfiguration)"/>) with
    /// options set by <paramref name="configure"/>; failures name settings under <c>Mediasoup</c>.
    /// </summary>
    public static IServiceCollection AddMediasoup(this IServiceCollection services, Action<MediasoupOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<MediasoupOptions>().Configure(configure);
        return services.AddMediasoupCore(MediasoupOptions.SectionName);
    }

    private static IServiceCollection AddMediasoupCore(this IServiceCollection services, string path)
    {
        services.AddOptions<MediasoupOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MediasoupOptions>>(
            new MediasoupOptionsValidator(path)));
        services.TryAddSingleton<MediasoupWebRtcServers>();
        services.TryAddSingleton<MediasoupHostedService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MediasoupHostedService>(
            static sp => sp.GetRequiredService<MediasoupHostedService>()));
        services.TryAddSingleton(static sp => sp.GetRequiredService<MediasoupHostedService>().Manager);
        return services;
    }
}
