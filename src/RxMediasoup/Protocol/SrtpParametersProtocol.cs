using Google.FlatBuffers;
using Fbs = FBS.SrtpParameters;

namespace RxMediasoup.Protocol;

/// <summary>
/// SRTP parameters, model ⇄ FlatBuffers (mediasoup's <c>srtpParametersFbsUtils</c>): the one mapping of SRTP crypto
/// suites. An unknown suite is the caller's error on write (<see cref="ArgumentOutOfRangeException"/> naming the field)
/// and the worker's on read (<see cref="InvalidDataException"/>).
/// </summary>
internal static class SrtpParametersProtocol
{
    public static Offset<Fbs.SrtpParameters> Write(FlatBufferBuilder b, SrtpParameters parameters, string field = "srtpParameters")
    {
        var suite = ToFbs(parameters.CryptoSuite, field + ".cryptoSuite");
        var key = b.CreateString(parameters.KeyBase64);
        return Fbs.SrtpParameters.CreateSrtpParameters(b, suite, key);
    }

    public static SrtpParameters Parse(in Fbs.SrtpParameters data) => new()
    {
        CryptoSuite = FromFbs(data.CryptoSuite),
        KeyBase64 = data.KeyBase64 ?? string.Empty,
    };

    /// <summary>Checks SRTP parameters given to a connect (mediasoup checks the same in the worker, as TypeError).</summary>
    public static void Validate(SrtpParameters parameters, string field)
    {
        ToFbs(parameters.CryptoSuite, field + ".cryptoSuite");
        if (string.IsNullOrEmpty(parameters.KeyBase64))
            throw new ArgumentException($"missing {field}.keyBase64", field);
        if (!IsBase64(parameters.KeyBase64))
            throw new ArgumentException($"invalid {field}.keyBase64 (SrtpParameters.KeyBase64): not valid Base64", field);
    }

    private static bool IsBase64(string value)
    {
        var bytes = value.Length <= 1024 ? stackalloc byte[value.Length] : new byte[value.Length];
        return Convert.TryFromBase64String(value, bytes, out _);
    }

    /// <exception cref="ArgumentOutOfRangeException">An undefined suite; the message and parameter name give <paramref name="field"/>.</exception>
    public static Fbs.SrtpCryptoSuite ToFbs(SrtpCryptoSuite suite, string field) => suite switch
    {
        SrtpCryptoSuite.AeadAes256Gcm => Fbs.SrtpCryptoSuite.AEAD_AES_256_GCM,
        SrtpCryptoSuite.AeadAes128Gcm => Fbs.SrtpCryptoSuite.AEAD_AES_128_GCM,
        SrtpCryptoSuite.AesCm128HmacSha1_80 => Fbs.SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_80,
        SrtpCryptoSuite.AesCm128HmacSha1_32 => Fbs.SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_32,
        _ => throw new ArgumentOutOfRangeException(field, suite, $"invalid {field}: {suite}"),
    };

    /// <exception cref="InvalidDataException">A suite this library does not know (the worker is newer or broken).</exception>
    public static SrtpCryptoSuite FromFbs(Fbs.SrtpCryptoSuite suite) => suite switch
    {
        Fbs.SrtpCryptoSuite.AEAD_AES_256_GCM => SrtpCryptoSuite.AeadAes256Gcm,
        Fbs.SrtpCryptoSuite.AEAD_AES_128_GCM => SrtpCryptoSuite.AeadAes128Gcm,
        Fbs.SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_80 => SrtpCryptoSuite.AesCm128HmacSha1_80,
        Fbs.SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_32 => SrtpCryptoSuite.AesCm128HmacSha1_32,
        _ => throw new InvalidDataException($"invalid SRTP crypto suite from the worker: {suite}"),
    };
}
