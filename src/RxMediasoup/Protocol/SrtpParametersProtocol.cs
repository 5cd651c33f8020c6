using Google.FlatBuffers;
using Fbs = FBS.SrtpParameters;

namespace RxMediasoup.Protocol;

/// <summary>SRTP parameters, model ⇄ FlatBuffers (mediasoup's <c>srtpParametersFbsUtils</c>).</summary>
internal static class SrtpParametersProtocol
{
    public static Offset<Fbs.SrtpParameters> Write(FlatBufferBuilder b, SrtpParameters parameters)
    {
        var key = b.CreateString(parameters.KeyBase64);
        return Fbs.SrtpParameters.CreateSrtpParameters(b, ToFbs(parameters.CryptoSuite), key);
    }

    public static SrtpParameters Parse(in Fbs.SrtpParameters data) => new()
    {
        CryptoSuite = FromFbs(data.CryptoSuite),
        KeyBase64 = data.KeyBase64 ?? string.Empty,
    };

    public static Fbs.SrtpCryptoSuite ToFbs(SrtpCryptoSuite suite) => suite switch
    {
        SrtpCryptoSuite.AeadAes256Gcm => Fbs.SrtpCryptoSuite.AEAD_AES_256_GCM,
        SrtpCryptoSuite.AeadAes128Gcm => Fbs.SrtpCryptoSuite.AEAD_AES_128_GCM,
        SrtpCryptoSuite.AesCm128HmacSha1_80 => Fbs.SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_80,
        SrtpCryptoSuite.AesCm128HmacSha1_32 => Fbs.SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_32,
        _ => throw new ArgumentException($"invalid SrtpCryptoSuite: {suite}", nameof(suite)),
    };

    public static SrtpCryptoSuite FromFbs(Fbs.SrtpCryptoSuite suite) => suite switch
    {
        Fbs.SrtpCryptoSuite.AEAD_AES_256_GCM => SrtpCryptoSuite.AeadAes256Gcm,
        Fbs.SrtpCryptoSuite.AEAD_AES_128_GCM => SrtpCryptoSuite.AeadAes128Gcm,
        Fbs.SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_80 => SrtpCryptoSuite.AesCm128HmacSha1_80,
        Fbs.SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_32 => SrtpCryptoSuite.AesCm128HmacSha1_32,
        _ => throw new InvalidDataException($"invalid SrtpCryptoSuite from the worker: {suite}"),
    };
}
