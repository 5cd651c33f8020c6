using System.Runtime.CompilerServices;

namespace RxMediasoup.Reactive;

/// <summary>
/// Lock objects shared by many small objects (entities, stream subjects, subscribers) instead of one allocated per
/// object (24 bytes each; a consumer with one subscription had three). Only for locks held a few instructions to read
/// or swap fields, never while calling out or while taking another striped gate, so sharing costs no more than a
/// rare brief wait; and, unlike <c>lock (this)</c>, user code holding one of these objects cannot take them.
/// </summary>
internal static class StripedGates
{
    private static readonly object[] Gates = Create(64);

    /// <summary>The gate of <paramref name="owner"/> (the same one for its lifetime).</summary>
    public static object For(object owner) => Gates[RuntimeHelpers.GetHashCode(owner) & (Gates.Length - 1)];

    private static object[] Create(int count)
    {
        var gates = new object[count];
        for (int i = 0; i < count; i++) gates[i] = new object();
        return gates;
    }
}
