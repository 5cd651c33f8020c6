using Microsoft.Extensions.Logging;

namespace RxMediasoup.RoomLogicTests;

/// <summary>Keeps the room's log lines (a failing test prints them).</summary>
internal sealed class ListLoggerFactory : ILoggerFactory, ILogger
{
    public List<string> Lines { get; } = [];

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel)) lock (Lines) Lines.Add($"{logLevel}: {formatter(state, exception)}");
    }
}
