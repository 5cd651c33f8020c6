using System.Globalization;

namespace RxMediasoup.Channel;

/// <summary>
/// The names of the worker's methods and events as metric tag values (<c>ROUTER_DUMP</c>, <c>CONSUMER_RTP</c>), from
/// tables built once: no boxing or formatting per request or notification (<see cref="Enum.ToString()"/> boxes).
/// </summary>
internal static class FbsNames
{
    private static readonly string[] Methods = ByValue<FBS.Request.Method>(m => (int)m);
    private static readonly string[] Events = ByValue<FBS.Notification.Event>(e => (int)e);

    /// <summary>"ROUTER_DUMP" for <see cref="FBS.Request.Method.ROUTER_DUMP"/>.</summary>
    public static string Of(FBS.Request.Method method) => Lookup(Methods, (int)method);

    /// <summary>"CONSUMER_RTP" for <see cref="FBS.Notification.Event.CONSUMER_RTP"/>.</summary>
    public static string Of(FBS.Notification.Event @event) => Lookup(Events, (int)@event);

    /// <summary>The names of <typeparamref name="TEnum"/>'s values indexed by value (unnamed values as numbers).</summary>
    private static string[] ByValue<TEnum>(Func<TEnum, int> value) where TEnum : struct, Enum
    {
        var values = Enum.GetValues<TEnum>();
        var names = new string[values.Max(value) + 1];
        for (int i = 0; i < names.Length; i++) names[i] = i.ToString(CultureInfo.InvariantCulture);
        foreach (var v in values) names[value(v)] = v.ToString();
        return names;
    }

    private static string Lookup(string[] names, int value)
        => (uint)value < (uint)names.Length ? names[value] : value.ToString(CultureInfo.InvariantCulture);
}
