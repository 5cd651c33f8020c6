using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RxMediasoup.Hosting.Tests;

/// <summary>Hosts built the way an application builds them, with configuration from a dictionary.</summary>
internal static class TestHosts
{
    /// <summary>A host with <c>AddMediasoup(Configuration.GetSection("Mediasoup"))</c>; keys are relative to <c>Mediasoup</c>.</summary>
    public static IHost Build(IDictionary<string, string?> mediasoup, Action<HostApplicationBuilder>? configure = null,
        Action<HostApplicationBuilder>? before = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(mediasoup.Select(kv => new KeyValuePair<string, string?>($"Mediasoup:{kv.Key}", kv.Value)));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        before?.Invoke(builder);
        builder.Services.AddMediasoup(builder.Configuration.GetSection("Mediasoup"));
        configure?.Invoke(builder);
        return builder.Build();
    }
}

/// <summary>Linux process facts and signals.</summary>
internal static class Processes
{
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    public static void Signal(int pid, int signal)
    {
        if (kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>True if <paramref name="pid"/> is a live mediasoup-worker (the kernel cuts command names to 15 characters).</summary>
    public static bool IsWorker(int pid) => Comm(pid) is "mediasoup-worke" or "mediasoup-worker";

    /// <summary>The command name of a live process, or null.</summary>
    public static string? Comm(int pid)
    {
        try { return IsAlive(pid) ? File.ReadAllText($"/proc/{pid}/comm").Trim() : null; }
        catch (IOException) { return null; }
    }

    public static async Task<bool> WaitUntilGoneAsync(int pid, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (!IsAlive(pid)) return true;
            await Task.Delay(50);
        }
        return !IsAlive(pid);
    }

    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }
}

/// <summary>A logger provider that records every entry with its category, level, formatted message (and exception) and scopes.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private static readonly AsyncLocal<string?> CurrentScope = new();

    public ConcurrentQueue<(string Category, LogLevel Level, string Message, string? Scope)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            string? previous = CurrentScope.Value;
            string structured = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(",", pairs.Select(p => $"{p.Key}={p.Value}"))
                : state.ToString() ?? "";
            CurrentScope.Value = previous is null ? structured : $"{previous} > {structured}";
            return new Restore(previous);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
            => owner.Entries.Enqueue((category, logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception), CurrentScope.Value));

        private sealed class Restore(string? previous) : IDisposable
        {
            public void Dispose() => CurrentScope.Value = previous;
        }
    }
}
