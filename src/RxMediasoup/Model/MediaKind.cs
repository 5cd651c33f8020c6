using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>Media kind: JSON <c>"audio"</c> or <c>"video"</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MediaKind>))]
public enum MediaKind
{
    /// <summary>Audio (<c>"audio"</c>).</summary>
    [JsonStringEnumMemberName("audio")]
    Audio,

    /// <summary>Video (<c>"video"</c>).</summary>
    [JsonStringEnumMemberName("video")]
    Video,
}
