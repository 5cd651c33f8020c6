using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Reactive.Testing;

namespace RxMediasoup.Testing.Tests;

/// <summary>
/// A scenario run the same way on a real worker (no scheduler) and on the simulation (each command answered by
/// advancing the scheduler one tick): each step is recorded as a line (dumps and stats as JSON, rejections as
/// type/code/message) with ids replaced by names and timestamps zeroed, so <see cref="DifferentialTests"/> compares
/// the two runs line by line.
/// </summary>
internal abstract partial class RecordedScenario(TestScheduler? scheduler)
{
    protected List<string> Lines { get; } = [];

    protected Dictionary<string, string> Names { get; } = new(StringComparer.Ordinal);

    protected TestScheduler? Scheduler => scheduler;

    /// <summary>What a transport dump says about data (the rest holds ports and ICE/DTLS secrets, compared elsewhere).</summary>
    protected static object DataPart(TransportDump d) => new
    {
        d.DataProducerIds, d.DataConsumerIds, d.MaxSendMessageSize, d.MaxReceiveMessageSize, d.SctpParameters, d.SctpState,
        d.SctpNegotiatedCapabilities, d.SctpListener,
    };

    /// <summary>A router dump's maps sorted by name: the worker lists them in its hash maps' order.</summary>
    protected string RouterPart(RouterDump d)
    {
        string N(string id) => Names.GetValueOrDefault(id, id);
        IEnumerable<string> Map(IReadOnlyDictionary<string, IReadOnlyList<string>> map)
            => map.Select(e => $"{N(e.Key)}->[{string.Join(",", e.Value.Select(N).Order(StringComparer.Ordinal))}]").Order(StringComparer.Ordinal);
        return string.Join(" ", [N(d.Id), .. d.TransportIds.Select(N).Order(StringComparer.Ordinal),
            .. d.RtpObserverIds.Select(N).Order(StringComparer.Ordinal), .. Map(d.MapProducerIdObserverIds), .. Map(d.MapDataProducerIdDataConsumerIds),
            .. d.MapDataConsumerIdDataProducerId.Select(e => $"{N(e.Key)}->{N(e.Value)}").Order(StringComparer.Ordinal)]);
    }

    protected T Name<T>(T transport, string name) where T : Transport
    {
        Names[transport.Id] = name;
        return transport;
    }

    protected async Task<T> Settle<T>(Task<T> command)
    {
        scheduler?.AdvanceBy(1);
        return await command;
    }

    protected async Task Settle(Task command)
    {
        scheduler?.AdvanceBy(1);
        await command;
    }

    protected async Task RejectAsync(string what, Func<Task> command)
    {
        try
        {
            await Settle(command());
            Lines.Add($"{what}: ok");
        }
        catch (Exception e) when (e is MediasoupException or ArgumentException or InvalidOperationException)
        {
            Lines.Add($"{what}: {Normalise($"{e.GetType().Name} {(e as MediasoupException)?.Code}: {e.Message}")}");
        }
    }

    protected void Record(string what, params object?[] values)
        => Lines.Add($"{what}: {Normalise(string.Join(" | ", values.Select(v => v is null or Enum or bool or long ? $"{v}" : JsonSerializer.Serialize(v, v.GetType()))))}");

    private string Normalise(string text)
    {
        foreach (var (id, name) in Names) text = text.Replace(id, name, StringComparison.Ordinal);
        return Timestamp().Replace(text, "\"Timestamp\":0");
    }

    /// <summary>On the simulation the notification has arrived within the tick; a real worker's crosses a socket.</summary>
    protected async Task WaitAsync(Func<bool> condition)
    {
        // On the simulation a chain of requests (e.g. a pipe producer paused by the library on its consumer's
        // notification) takes one tick per request, and nothing runs elsewhere (no real wait); on a real worker, 5 s
        // is far beyond a local notification's trip.
        for (int tick = 0; scheduler is not null && !condition() && tick < 10; tick++) scheduler.AdvanceBy(1);
        var until = DateTime.UtcNow.AddSeconds(5);
        while (!condition() && scheduler is null && DateTime.UtcNow < until) await Task.Delay(10);
        Assert.True(condition());
    }

    [GeneratedRegex("\"Timestamp\":[0-9]+")]
    private static partial Regex Timestamp();
}
