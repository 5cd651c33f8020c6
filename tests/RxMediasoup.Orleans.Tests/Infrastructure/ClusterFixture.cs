using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.TestingHost;
using RxMediasoup.Hosting;

namespace RxMediasoup.Orleans.Tests.Infrastructure;

/// <summary>
/// Three Orleans silos in this process (TestingHost), each with the rooms and ONE real mediasoup worker from its own
/// AddMediasoup() WorkerManager; membership tuned so that a killed silo is declared dead within a few seconds.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>The worker pids seen at start (checked gone at the end).</summary>
    public List<int> WorkerPids { get; } = [];

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(3);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        ConfigureBuilder(builder);
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        foreach (var silo in Cluster.Silos) WorkerPids.AddRange(Manager(silo).Workers.Items.Select(w => w.Pid));
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        foreach (var pid in WorkerPids)
            Assert.True(await Processes.WaitUntilGoneAsync(pid, TimeSpan.FromSeconds(10)), $"worker {pid} left running");
    }

    /// <summary>More silo configuration (added after the common one).</summary>
    protected virtual void ConfigureBuilder(TestClusterBuilder builder)
    {
    }

    public SiloHandle Silo(int index) => Cluster.Silos[index];

    public static IServiceProvider Services(SiloHandle silo) => ((InProcessSiloHandle)silo).SiloHost.Services;

    public static IMediasoupRooms Rooms(SiloHandle silo) => Services(silo).GetRequiredService<IMediasoupRooms>();

    public static WorkerManager Manager(SiloHandle silo) => Services(silo).GetRequiredService<WorkerManager>();

    public static Worker Worker(SiloHandle silo) => Manager(silo).Workers.Items.Single();

    internal sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.UseMediasoupRooms();
            siloBuilder.Services.AddMediasoup(o =>
            {
                o.NumWorkers = 1;
                o.Respawn.Enabled = false;
            });
            // A killed silo is suspected after 2 missed 1-s probes and declared dead on one vote (the test wants death
            // to show within 30 s; Orleans' defaults take longer).
            siloBuilder.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
            });
        }
    }
}

/// <summary>The same cluster with SRTP on the pipes, listening on every interface and announcing 127.0.0.1.</summary>
public sealed class SrtpClusterFixture : ClusterFixture
{
    protected override void ConfigureBuilder(TestClusterBuilder builder) => builder.AddSiloBuilderConfigurator<SrtpConfigurator>();

    private sealed class SrtpConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.UseMediasoupRooms(o =>
        {
            o.EnableSrtp = true;
            o.PipeListenIp = "0.0.0.0";
            o.PipeAnnouncedAddress = "127.0.0.1";
        });
    }
}
