using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>The DTLS role (JSON <c>"auto"</c>, <c>"client"</c>, <c>"server"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DtlsRole>))]
public enum DtlsRole
{
    /// <summary>The role is decided by the ICE role (<c>"auto"</c>); the default.</summary>
    [JsonStringEnumMemberName("auto")]
    Auto,

    /// <summary>DTLS client (<c>"client"</c>).</summary>
    [JsonStringEnumMemberName("client")]
    Client,

    /// <summary>DTLS server (<c>"server"</c>).</summary>
    [JsonStringEnumMemberName("server")]
    Server,
}
