using System.Net;
using System.Net.Sockets;
using RxMediasoup.BrowserTesting;

namespace RxMediasoup.ClusterTests;

/// <summary>The redis-server fixture itself: it serves, and nothing of it is left after a stop or a kill.</summary>
public sealed class RedisServerTests
{
    [Fact]
    public async Task ItServesOnItsOwnLoopbackPortAndLeavesNothingBehindWhenStopped()
    {
        var redis = await RedisServer.StartAsync();
        int pid = redis.Pid, port = redis.Port;
        try
        {
            Assert.Equal($"127.0.0.1:{port}", redis.Endpoint);
            Assert.Equal("PONG", await redis.CommandAsync("PING"));
            Assert.Equal("OK", await redis.CommandAsync("SET", "room:demo", "alice bob"));
            Assert.Equal("alice bob", await redis.CommandAsync("GET", "room:demo"));
            Assert.Equal(["room:demo"], await redis.KeysAsync());
            // Its own process, listening on loopback only.
            Assert.Equal("redis-server", LinuxProcesses.TryRead(pid)?.Name);
        }
        finally
        {
            await redis.DisposeAsync(); // throws if the process or the port outlived the stop
        }
        var exit = await redis.StopAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(0, exit.ExitCode);
        Assert.False(exit.Forced, "redis-server needed SIGKILL after SIGTERM");
        Assert.False(exit.ProcessLeft);
        Assert.False(exit.PortStillOpen);
        Assert.Null(LinuxProcesses.TryRead(pid) is { State: not 'Z', Name: "redis-server" } alive ? alive : null);
        await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
        });
    }

    [Fact]
    public async Task TwoServersGetTwoPortsAndAKilledOneIsReportedGone()
    {
        await using var first = await RedisServer.StartAsync();
        var second = await RedisServer.StartAsync();
        Assert.NotEqual(first.Port, second.Port);
        Assert.Equal("OK", await first.CommandAsync("SET", "k", "first"));
        Assert.Equal("", await second.CommandAsync("GET", "k")); // separate databases
        // Killed from outside (as a crash would): the stop sees the process and the port gone without forcing.
        LinuxProcesses.Signal(second.Pid, LinuxProcesses.SIGKILL);
        var exit = await second.StopAsync(TimeSpan.FromSeconds(5));
        Assert.False(exit.Forced);
        Assert.False(exit.ProcessLeft);
        Assert.False(exit.PortStillOpen);
        await second.DisposeAsync();
        Assert.Equal("first", await first.CommandAsync("GET", "k"));
    }
}
