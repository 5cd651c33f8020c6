using System.Collections.Immutable;
using System.Globalization;
using System.Reactive.Linq;

namespace RxMediasoup.Samples.DataBot;

/// <summary>A chat message: who sent it (a peer id) and its text.</summary>
public sealed record ChatMessage(string From, string Text);

/// <summary>A chat data producer of the room: its peer and the producer.</summary>
public sealed record ChatSource(string PeerId, DataProducer Producer);

/// <summary>One answered message: the question and the bot's reply (as sent).</summary>
public sealed record ChatExchange(ChatMessage Question, string Reply);

/// <summary>
/// A chat bot on a <see cref="DirectTransport"/>: it consumes every chat data producer of the room as a direct data
/// consumer (messages arrive as an <see cref="IObservable{T}"/> in this process, no SCTP) and answers through its own
/// direct data producer, which the room's peers consume like any peer's chat.
/// </summary>
public static class ChatBot
{
    /// <summary>The bot's chat label (data producers with another label are not chat).</summary>
    public const string Label = "chat";

    /// <summary>
    /// The bot as ONE Rx pipeline, alive while subscribed:
    /// <code>
    /// direct transport ─► bot data producer (published) ─► for each chat source: a direct data consumer ─► its text
    ///   messages ─► merged ─► Scan (messages per peer) ─► Answer ─► Send on the bot's producer ─► exchanges
    /// </code>
    /// <paramref name="sources"/> emits each chat data producer of the room once (the bot's own is skipped by peer id);
    /// a consumer closes with its producer (the library's close cascade) and its messages complete. Disposing the
    /// subscription closes the transport, so the bot's producer and consumers.
    /// </summary>
    /// <param name="router">The room's router.</param>
    /// <param name="botPeerId">The bot's peer id (its own producer is not consumed).</param>
    /// <param name="sources">The room's chat data producers, as they appear.</param>
    /// <param name="publish">Called with the bot's data producer once it exists (to announce it to the room).</param>
    /// <param name="clock">The time source for <c>/time</c> (default: the system clock).</param>
    /// <param name="sourceFailed">
    /// Called when one source cannot be consumed (its producer closed meanwhile, or lives on another router after a
    /// move); that source is skipped and the bot goes on. Default: ignored.
    /// </param>
    /// <param name="sourceConsumed">Called when the bot's consumer of a source exists: from then on it hears that peer.</param>
    public static IObservable<ChatExchange> Using(
        Router router, string botPeerId, IObservable<ChatSource> sources, Action<DataProducer> publish,
        Func<DateTimeOffset>? clock = null, Action<ChatSource, Exception>? sourceFailed = null, Action<ChatSource>? sourceConsumed = null)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentException.ThrowIfNullOrEmpty(botPeerId);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(publish);
        clock ??= () => DateTimeOffset.UtcNow;
        return
            from transport in router.UsingDirectTransport()
            from bot in transport.UsingDataProducer(new DataProducerOptions { Label = Label }).Do(publish)
            from exchange in sources
                .Where(source => source.PeerId != botPeerId && source.Producer.Label == Label && !source.Producer.IsClosed)
                .SelectMany(source => transport
                    .UsingDataConsumer(new DataConsumerOptions { DataProducerId = source.Producer.Id })
                    .Do(_ => sourceConsumed?.Invoke(source))
                    .SelectMany(consumer => consumer.Messages)
                    .Where(message => message.IsText)
                    .Select(message => new ChatMessage(source.PeerId, message.Text))
                    .Catch<ChatMessage, MediasoupException>(e =>
                    {
                        sourceFailed?.Invoke(source, e);
                        return Observable.Empty<ChatMessage>();
                    }))
                .Scan((Counts: ImmutableDictionary<string, int>.Empty, Message: (ChatMessage?)null),
                    (state, message) => (state.Counts.SetItem(message.From, state.Counts.GetValueOrDefault(message.From) + 1), message))
                .Select(state => (Question: state.Message!, Reply: Answer(state.Message!, state.Counts, clock())))
                .Where(answered => answered.Reply is not null)
                .Select(answered => new ChatExchange(answered.Question, answered.Reply!))
                .Do(answered => bot.Send(answered.Reply))
            select exchange;
    }

    /// <summary>
    /// The bot's reply to <paramref name="message"/> (null: not for the bot). Commands start with '/':
    /// <c>/help</c>, <c>/ping</c>, <c>/time</c>, <c>/echo TEXT</c>, <c>/count</c> (messages this peer sent since the
    /// bot joined); anything else that starts with '/' gets a hint. Plain chat between people is left alone.
    /// </summary>
    public static string? Answer(ChatMessage message, IReadOnlyDictionary<string, int> messagesPerPeer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        string text = message.Text.Trim();
        if (!text.StartsWith('/')) return null;
        int space = text.IndexOf(' ');
        string command = (space < 0 ? text : text[..space]).ToLowerInvariant();
        string argument = space < 0 ? "" : text[(space + 1)..].Trim();
        return command switch
        {
            "/help" => "commands: /ping, /time, /echo TEXT, /count, /help",
            "/ping" => $"pong, {message.From}",
            "/time" => "server time " + now.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
            "/echo" => argument.Length == 0 ? "/echo needs some text" : argument,
            "/count" => $"{message.From}, you sent {messagesPerPeer.GetValueOrDefault(message.From)} message(s) since I joined",
            _ => $"unknown command {command}; try /help",
        };
    }
}
