namespace RxMediasoup;

/// <summary>
/// An entity's state as a stream with a synchronous current value (<c>producer.Paused.Value</c>): a subscriber
/// first gets the current value, then each distinct change; the stream completes when the entity closes and never
/// errors.
/// <code>
/// value:        false------true-----false---|   (entity closed)
/// subscribe ^:             true-----false---|
/// </code>
/// <para>Delivery: subscribers are called with no lock held, one value at a time and in order (a value published
/// while a delivery is in progress is queued and delivered after it); a subscriber that throws is logged and
/// removed. <see cref="Value"/> is updated as the state changes, before subscribers are called, so a command's
/// awaiter always sees the state its command produced.</para>
/// </summary>
/// <typeparam name="T">The state's type.</typeparam>
public interface IObservableState<out T> : IObservable<T>
{
    /// <summary>The current value (the last one published; after close, the final one).</summary>
    T Value { get; }
}
