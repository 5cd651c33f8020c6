using Google.FlatBuffers;

namespace RxMediasoup.Channel;

/// <summary>Writes a request or notification body into <paramref name="builder"/> and returns its offset.</summary>
internal delegate int BodyWriter<in TState>(FlatBufferBuilder builder, TState state);

/// <summary>
/// Turns an accepted response into a result. Runs synchronously on the reader loop while the response is
/// still in the receive buffer, so nothing generated escapes and nothing is copied twice.
/// </summary>
internal delegate TResult ResponseParser<out TResult>(in FBS.Response.Response response);
