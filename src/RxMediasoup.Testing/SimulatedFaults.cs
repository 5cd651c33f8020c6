using System.Reactive.Disposables;

namespace RxMediasoup.Testing;

/// <summary>The kind of error a rejected request is answered with, as mediasoup-worker names it.</summary>
public enum SimulatedErrorKind
{
    /// <summary><c>Error</c>: the request fails with a <see cref="MediasoupException"/> (its code read from the message, as for the real worker).</summary>
    Error,

    /// <summary><c>TypeError</c>: the request fails with an <see cref="ArgumentException"/>.</summary>
    TypeError,

    /// <summary><c>NotFoundError</c>: the request fails with a <see cref="NotFoundException"/>.</summary>
    NotFoundError,
}

/// <summary>
/// Fault injection per request method (<see cref="Simulation.Faults"/>): reject, delay or never answer the requests
/// of a method, optionally only those matching a predicate and only a number of times. Each rule is removed by
/// disposing what installed it. The first matching rule (in installation order) applies; the request is still
/// logged in <see cref="Simulation.Requests"/>. A rejected or never-answered request changes nothing in the simulation.
/// </summary>
public sealed class SimulatedFaults
{
    private readonly List<Rule> _rules = [];

    internal SimulatedFaults()
    {
    }

    /// <summary>Answers the matching requests with an error instead of simulating them.</summary>
    /// <param name="method">The worker's method name, e.g. <c>"transport.consume"</c> (see <see cref="Simulation.Methods"/>).</param>
    /// <param name="reason">The error message (the exception's message).</param>
    /// <param name="kind">The worker's error kind, which decides the exception type.</param>
    /// <param name="when">Only the requests it accepts; all when null.</param>
    /// <param name="times">At most that many requests; unlimited when null.</param>
    /// <returns>Removes the rule.</returns>
    public IDisposable Reject(string method, string reason, SimulatedErrorKind kind = SimulatedErrorKind.Error, Func<SimulatedRequest, bool>? when = null, int? times = null)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return Add(new Rule(Check(method), when, times) { Reason = reason, Kind = kind });
    }

    /// <summary>Answers the matching requests normally, but <paramref name="delay"/> later (virtual time) than the simulation's latency.</summary>
    /// <param name="method">The worker's method name (see <see cref="Simulation.Methods"/>).</param>
    /// <param name="delay">The extra time to answer.</param>
    /// <param name="when">Only the requests it accepts; all when null.</param>
    /// <param name="times">At most that many requests; unlimited when null.</param>
    /// <returns>Removes the rule.</returns>
    public IDisposable Delay(string method, TimeSpan delay, Func<SimulatedRequest, bool>? when = null, int? times = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return Add(new Rule(Check(method), when, times) { Delay = delay });
    }

    /// <summary>Never answers the matching requests: they fail when <see cref="WorkerSettings.RequestTimeout"/> expires (virtual time).</summary>
    /// <param name="method">The worker's method name (see <see cref="Simulation.Methods"/>).</param>
    /// <param name="when">Only the requests it accepts; all when null.</param>
    /// <param name="times">At most that many requests; unlimited when null.</param>
    /// <returns>Removes the rule.</returns>
    public IDisposable NeverAnswer(string method, Func<SimulatedRequest, bool>? when = null, int? times = null)
        => Add(new Rule(Check(method), when, times) { Never = true });

    /// <summary>The rule for <paramref name="request"/> (counted as used), or null.</summary>
    internal Rule? Match(SimulatedRequest request)
    {
        foreach (var rule in _rules)
        {
            if (rule.Method != request.Method || rule.When?.Invoke(request) == false) continue;
            if (rule.Remaining is { } remaining)
            {
                if (remaining == 0) continue;
                rule.Remaining = remaining - 1;
            }
            return rule;
        }
        return null;
    }

    private IDisposable Add(Rule rule)
    {
        if (rule.Remaining < 0) throw new ArgumentOutOfRangeException("times", rule.Remaining, "cannot be negative");
        _rules.Add(rule);
        return Disposable.Create(() => _rules.Remove(rule));
    }

    private static string Check(string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (!Simulation.Methods.Contains(method))
            throw new ArgumentException($"'{method}' is not a method of mediasoup-worker (see Simulation.Methods)", nameof(method));
        return method;
    }

    internal sealed class Rule(string method, Func<SimulatedRequest, bool>? when, int? times)
    {
        public string Method { get; } = method;
        public Func<SimulatedRequest, bool>? When { get; } = when;
        public int? Remaining { get; set; } = times;
        public string? Reason { get; init; }
        public SimulatedErrorKind Kind { get; init; }
        public TimeSpan Delay { get; init; }
        public bool Never { get; init; }
    }
}
