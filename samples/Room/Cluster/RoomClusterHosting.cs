using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using RxMediasoup.Orleans;

namespace RxMediasoup.Samples.Room;

/// <summary>
/// Cluster mode's wiring (<see cref="RoomServer.CreateBuilder"/> calls it when <see cref="RoomServerOptions.Cluster"/>
/// is set): the process becomes an Orleans silo (membership in Redis, <see cref="MediasoupRedisClustering"/>) with
/// RxMediasoup.Orleans' rooms on the hosted <see cref="WorkerManager"/>, and <see cref="Rooms"/> creates each room on the
/// cluster's router of this process (<see cref="RoomCluster"/>).
/// </summary>
internal static class RoomClusterHosting
{
    /// <summary>
    /// How fast a dead Room process is declared dead by the others: probes every 2 s, dead after 2 missed (a killed
    /// process refuses connections at once). Orleans' defaults (5 s, 3 missed) take 15–30 s; a room's peers should see a
    /// departure sooner than that. With two processes one vote suffices (Orleans asks for at most half the active silos).
    /// </summary>
    internal static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public static void AddRoomCluster(this WebApplicationBuilder builder, RoomServerOptions options)
    {
        var cluster = options.Cluster ?? throw new InvalidOperationException("not in cluster mode");
        int siloPort = cluster.SiloPort != 0 ? cluster.SiloPort : RoomClusterOptions.FreePort();
        int gatewayPort = cluster.GatewayPort != 0 ? cluster.GatewayPort : RoomClusterOptions.FreePort();
        var siloIp = IPAddress.Parse(cluster.SiloIp);
        builder.UseOrleans(silo =>
        {
            silo.UseMediasoupRedisClustering(cluster.Redis);
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = "rxmediasoup-room";
            });
            silo.ConfigureEndpoints(siloIp, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(siloIp));
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = ProbeTimeout;
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
            });
            silo.UseMediasoupRooms(o =>
            {
                o.PipeListenIp = cluster.PipeListenIp;
                o.PipeAnnouncedAddress = cluster.PipeAnnouncedIp;
                o.EnableSrtp = cluster.PipeSrtp;
                o.MediaCodecs = Room.MediaCodecs;
            });
        });
        builder.Services.AddSingleton<RoomCluster>();
        // Rooms creates its rooms through the cluster (its constructor's services are resolved as usual). RoomCluster is
        // resolved at the first room: the cluster's media service needs the WorkerManager, which exists once the host started.
        builder.Services.Replace(ServiceDescriptor.Singleton(sp =>
        {
            var rooms = ActivatorUtilities.CreateInstance<Rooms>(sp);
            rooms.CreateRoom = (roomId, workers, scheduler, ct) => sp.GetRequiredService<RoomCluster>().CreateRoomAsync(roomId, workers, scheduler, ct);
            return rooms;
        }));
        Console.WriteLine($"Cluster mode: Orleans silo {cluster.SiloIp}:{siloPort} (gateway {gatewayPort}), cluster '{cluster.ClusterId}' in Redis {cluster.Redis}; pipes listen on {cluster.PipeListenIp}{(cluster.PipeAnnouncedIp is null ? "" : $", announced as {cluster.PipeAnnouncedIp}")}");
    }
}
