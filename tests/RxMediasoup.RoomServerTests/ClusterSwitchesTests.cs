using RxMediasoup.Samples.Room;

namespace RxMediasoup.RoomServerTests;

/// <summary>The Room's cluster switches (<c>--cluster redis=…</c> and the others; README "Cluster mode"): parsing and errors naming the switch.</summary>
public sealed class ClusterSwitchesTests
{
    [Fact]
    public void WithoutTheClusterSwitchTheRoomIsOneProcess()
    {
        var options = new RoomServerOptions();
        Assert.Equal(["--urls", "http://127.0.0.1:0"], options.ParseArgs(["--urls", "http://127.0.0.1:0"]));
        Assert.Null(options.Cluster);
    }

    [Fact]
    public void TheClusterSwitchAloneGivesOneMachineDefaults()
    {
        var options = new RoomServerOptions();
        var rest = options.ParseArgs(["--cluster", "redis=127.0.0.1:6379", "--urls", "http://127.0.0.1:3001"]);
        Assert.Equal(["--urls", "http://127.0.0.1:3001"], rest);
        var cluster = Assert.IsType<RoomClusterOptions>(options.Cluster);
        Assert.Equal("127.0.0.1:6379", cluster.Redis);
        Assert.Equal("rxmediasoup-room", cluster.ClusterId);
        Assert.Equal("127.0.0.1", cluster.SiloIp);
        Assert.Equal((0, 0), (cluster.SiloPort, cluster.GatewayPort)); // free ports chosen at start
        Assert.Equal("127.0.0.1", cluster.PipeListenIp);
        Assert.Null(cluster.PipeAnnouncedIp);
        Assert.False(cluster.PipeSrtp);
    }

    [Fact]
    public void ClusterSwitchesWorkInAnyOrderAndThePipeAddressIsSeparateFromTheAnnouncedIp()
    {
        var options = new RoomServerOptions();
        options.ParseArgs(["--pipe-announced-ip", "198.51.100.5", "--silo-port", "11111", "--announced-ip", "203.0.113.7",
            "--cluster=redis=redis.example:6380,password=secret", "--gateway-port=30000", "--pipe-srtp", "--cluster-id", "eu-1", "--silo-ip", "198.51.100.5"]);
        var cluster = options.Cluster!;
        Assert.Equal("redis.example:6380,password=secret", cluster.Redis);
        Assert.Equal(("eu-1", "198.51.100.5", 11111, 30000), (cluster.ClusterId, cluster.SiloIp, cluster.SiloPort, cluster.GatewayPort));
        Assert.Equal("198.51.100.5", cluster.PipeAnnouncedIp);
        Assert.Equal("0.0.0.0", cluster.PipeListenIp); // an announced pipe address is for other hosts
        Assert.True(cluster.PipeSrtp);
        // The browsers' address is another setting: it changes neither the pipes' nor the other way round.
        Assert.Equal("203.0.113.7", options.AnnouncedIp);
        Assert.Equal("0.0.0.0", options.ListenIp);

        var explicitListen = new RoomServerOptions();
        explicitListen.ParseArgs(["--cluster", "redis=127.0.0.1:6379", "--pipe-listen-ip", "192.0.2.10", "--pipe-announced-ip", "198.51.100.5"]);
        Assert.Equal("192.0.2.10", explicitListen.Cluster!.PipeListenIp);

        var browsersOnly = new RoomServerOptions();
        browsersOnly.ParseArgs(["--cluster", "redis=127.0.0.1:6379", "--announced-ip", "203.0.113.7"]);
        Assert.Null(browsersOnly.Cluster!.PipeAnnouncedIp);
        Assert.Equal("127.0.0.1", browsersOnly.Cluster.PipeListenIp);
    }

    [Theory]
    [InlineData("--cluster must be redis=HOST:PORT (the Redis server keeping the cluster's membership), not 'localhost'", "--cluster", "localhost")]
    [InlineData("--cluster must be redis=HOST:PORT (the Redis server keeping the cluster's membership), not 'redis='", "--cluster", "redis=")]
    [InlineData("--silo-port must be a port (1–65535), not '0'", "--cluster", "redis=h:1", "--silo-port", "0")]
    [InlineData("--gateway-port must be a port (1–65535), not '70000'", "--cluster", "redis=h:1", "--gateway-port", "70000")]
    [InlineData("--silo-ip must be an IP address, not 'here'", "--cluster", "redis=h:1", "--silo-ip", "here")]
    [InlineData("--pipe-listen-ip must be an IP address, not 'any'", "--cluster", "redis=h:1", "--pipe-listen-ip", "any")]
    [InlineData("--pipe-announced-ip needs an address", "--cluster", "redis=h:1", "--pipe-announced-ip=")]
    [InlineData("--cluster-id needs a value", "--cluster", "redis=h:1", "--cluster-id", " ")]
    [InlineData("--silo-port needs --cluster redis=HOST:PORT", "--silo-port", "11111")]
    [InlineData("--pipe-srtp needs --cluster redis=HOST:PORT", "--pipe-srtp")]
    [InlineData("--cluster needs a value", "--cluster")]
    public void ABadClusterSwitchIsAnErrorNamingIt(string message, params string[] args)
    {
        var error = Assert.Throws<ArgumentException>(() => new RoomServerOptions().ParseArgs(args));
        Assert.Equal(message, error.Message);
    }
}
