namespace RxMediasoup.Notebooks;

/// <summary>
/// Marble strings of recorded notifications, as Rx marble diagrams write them: one character per frame of virtual
/// time, <c>-</c> for a frame without a notification, the notification's symbol otherwise, <c>|</c> for completion.
/// A notebook records (virtual time, symbol) pairs and asserts the string it expects.
/// </summary>
public static class Marbles
{
    /// <summary>
    /// The marble string of <paramref name="notifications"/> over <paramref name="frames"/> frames of
    /// <paramref name="frame"/> each, from virtual time zero (frame n covers [n·frame, (n+1)·frame)).
    /// </summary>
    /// <exception cref="ArgumentException">Two notifications in one frame (use a smaller frame), or one outside the frames.</exception>
    public static string Of(IEnumerable<(TimeSpan At, char Symbol)> notifications, TimeSpan frame, int frames, TimeSpan? completedAt = null)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        if (frame <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(frame), frame, "a frame is positive");
        var marbles = new string('-', frames).ToCharArray();
        foreach (var (at, symbol) in notifications)
        {
            long index = at.Ticks / frame.Ticks;
            if (index < 0 || index >= frames) throw new ArgumentException($"'{symbol}' at {at} is outside the {frames} frames", nameof(notifications));
            if (marbles[index] != '-') throw new ArgumentException($"'{marbles[index]}' and '{symbol}' share frame {index}", nameof(notifications));
            marbles[index] = symbol;
        }
        if (completedAt is { } end)
        {
            long index = end.Ticks / frame.Ticks;
            if (index < frames && marbles[index] == '-') marbles[index] = '|';
            else throw new ArgumentException($"the completion at {end} has no free frame", nameof(completedAt));
        }
        return new string(marbles);
    }
}
