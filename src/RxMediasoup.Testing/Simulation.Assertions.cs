using System.Text;

namespace RxMediasoup.Testing;

/// <summary>A failed assertion of <see cref="Simulation"/> (test-framework neutral); its message lists the requests logged.</summary>
public sealed class SimulationAssertionException(string message) : Exception(message);

// Assertion helpers over the request log.
public sealed partial class Simulation
{
    /// <summary>The logged requests of <paramref name="method"/>, for <paramref name="entityId"/> when given.</summary>
    /// <param name="method">The worker's method name (see <see cref="Methods"/>).</param>
    /// <param name="entityId">Only requests for this entity; all when null.</param>
    /// <returns>The requests, in order.</returns>
    public IReadOnlyList<SimulatedRequest> RequestsOf(string method, string? entityId = null)
    {
        CheckMethod(method);
        return [.. _requests.Where(r => r.Method == method && (entityId is null || r.EntityId == entityId))];
    }

    /// <summary>
    /// Asserts exactly one request of <paramref name="method"/> matched (entity, body compared with
    /// <see cref="object.Equals(object, object)"/>, virtual time since the start), and returns it.
    /// </summary>
    /// <param name="method">The worker's method name, e.g. <c>"consumer.setPreferredLayers"</c>.</param>
    /// <param name="entityId">The entity, or null for any.</param>
    /// <param name="body">The expected body (see <see cref="SimulatedRequest.Body"/>), or null for any.</param>
    /// <param name="at">The expected <see cref="SimulatedRequest.Elapsed"/>, or null for any.</param>
    /// <returns>The request.</returns>
    /// <exception cref="SimulationAssertionException">None or several matched.</exception>
    public SimulatedRequest AssertRequested(string method, string? entityId = null, object? body = null, TimeSpan? at = null)
    {
        var matches = RequestsOf(method, entityId).Where(r => (body is null || Equals(body, r.Body)) && (at is null || r.Elapsed == at)).ToList();
        if (matches.Count == 1) return matches[0];
        throw Failure($"expected one {method}{(entityId is null ? "" : $"({entityId})")}{(body is null ? "" : $" {body}")}{(at is null ? "" : $" at {at}")}, found {matches.Count}");
    }

    /// <summary>Asserts no request of <paramref name="method"/> (for <paramref name="entityId"/> when given) was sent.</summary>
    /// <param name="method">The worker's method name.</param>
    /// <param name="entityId">The entity, or null for any.</param>
    /// <exception cref="SimulationAssertionException">One was.</exception>
    public void AssertNotRequested(string method, string? entityId = null)
    {
        int count = RequestsOf(method, entityId).Count;
        if (count > 0) throw Failure($"expected no {method}{(entityId is null ? "" : $"({entityId})")}, found {count}");
    }

    private SimulationAssertionException Failure(string message)
    {
        var text = new StringBuilder(message).Append(". Requests logged:");
        foreach (var request in _requests) text.Append("\n  ").Append(request);
        return new SimulationAssertionException(text.ToString());
    }

    private static void CheckMethod(string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (!Methods.Contains(method)) throw new ArgumentException($"'{method}' is not a method of mediasoup-worker (see Simulation.Methods)", nameof(method));
    }
}
