using System.Text.Json;
using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// Reads and writes an <see cref="RtpParameterValue"/> as the JSON scalar it holds: strings as strings, numbers
/// as numbers (integral values without a fraction), booleans as booleans, integer arrays as arrays.
/// </summary>
internal sealed class RtpParameterValueJsonConverter : JsonConverter<RtpParameterValue>
{
    public override RtpParameterValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return RtpParameterValue.FromString(reader.GetString());
            case JsonTokenType.Number:
                return RtpParameterValue.FromNumber(reader.GetDouble());
            case JsonTokenType.True:
                return RtpParameterValue.FromBoolean(true);
            case JsonTokenType.False:
                return RtpParameterValue.FromBoolean(false);
            case JsonTokenType.StartArray:
            {
                var integers = new List<int>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var integer))
                    {
                        throw new JsonException($"a parameter array may only hold 32-bit integers, found {reader.TokenType}");
                    }
                    integers.Add(integer);
                }
                return RtpParameterValue.FromIntegers(integers);
            }
            default:
                throw new JsonException(
                    $"a parameter value must be a string or a number (or a boolean or integer array), found {reader.TokenType}");
        }
    }

    public override void Write(Utf8JsonWriter writer, RtpParameterValue value, JsonSerializerOptions options)
    {
        switch (value.Kind)
        {
            case RtpParameterValueKind.String:
                writer.WriteStringValue(value.AsString());
                break;
            case RtpParameterValueKind.Number:
            {
                var number = value.AsNumber();
                if (number == Math.Floor(number) && Math.Abs(number) < 9007199254740992d)
                {
                    writer.WriteNumberValue((long)number);
                }
                else
                {
                    writer.WriteNumberValue(number);
                }
                break;
            }
            case RtpParameterValueKind.Boolean:
                writer.WriteBooleanValue(value.AsBoolean());
                break;
            default:
                writer.WriteStartArray();
                foreach (var integer in value.AsIntegers())
                {
                    writer.WriteNumberValue(integer);
                }
                writer.WriteEndArray();
                break;
        }
    }
}
