using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace RxMediasoup;

/// <summary>
/// System.Text.Json settings for mediasoup's JSON: the model records (<see cref="RtpCapabilities"/>,
/// <see cref="RtpParameters"/>, <see cref="DtlsParameters"/>, <see cref="SctpStreamParameters"/>, …) read and
/// write the field names and value types of mediasoup and mediasoup-client unchanged, so signaling payloads can
/// be passed through as they are:
/// <code>
/// var rtpParameters = JsonSerializer.Deserialize&lt;RtpParameters&gt;(json, MediasoupJson.Options);
/// string capsJson = JsonSerializer.Serialize(router.RtpCapabilities, MediasoupJson.Options);
/// </code>
/// </summary>
/// <remarks>
/// The records carry their JSON names and enum strings as attributes, so other options work too; these add
/// camelCase for any other type, omit nulls, and read strictly (numbers must be JSON numbers, names are
/// case-sensitive). Fields mediasoup's types do not define are ignored when reading.
/// </remarks>
public static class MediasoupJson
{
    /// <summary>The shared, read-only serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Creates a new, mutable copy of <see cref="Options"/> to customize.</summary>
    public static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNameCaseInsensitive = false,
            NumberHandling = JsonNumberHandling.Strict,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        return options;
    }

    static MediasoupJson() => Options.MakeReadOnly();
}
