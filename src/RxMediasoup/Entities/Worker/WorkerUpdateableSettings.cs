namespace RxMediasoup;

/// <summary>Settings that can change while the worker runs (<see cref="Worker.UpdateSettingsAsync"/>).</summary>
public sealed record WorkerUpdateableSettings
{
    /// <summary>New log level; null leaves it unchanged.</summary>
    public WorkerLogLevel? LogLevel { get; init; }

    /// <summary>New log tags; null leaves them unchanged.</summary>
    public IReadOnlyList<WorkerLogTag>? LogTags { get; init; }

    internal void Validate()
    {
        if (LogLevel is { } level && !Enum.IsDefined(level))
            throw new ArgumentOutOfRangeException(nameof(LogLevel), level, $"invalid value '{(int)level}' for logLevel");
        if (LogTags is not null)
            foreach (var tag in LogTags)
                if (!Enum.IsDefined(tag))
                    throw new ArgumentOutOfRangeException(nameof(LogTags), tag, $"invalid value '{(int)tag}' in logTags");
    }
}
