using System.Text.Json;

namespace RxMediasoup.Samples.Room;

/// <summary>
/// A request's <c>data</c> object with typed accessors whose errors name the field:
/// <c>missing_field: data.transportId is required (a string)</c>, <c>wrong_type: data.transportId must be a string, not a number</c>.
/// </summary>
public readonly struct RequestData(JsonElement data)
{
    /// <summary>A required string field.</summary>
    public string String(string name) => Required(name, JsonValueKind.String, "a string").GetString()!;

    /// <summary>A required string field limited to ids' characters (letters, digits, '-', '_', '.'), 1–64 long.</summary>
    public string Id(string name)
    {
        string value = String(name);
        if (value.Length is 0 or > 64 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new SignallingException(ErrorCodes.InvalidValue,
                $"data.{name} must be 1 to 64 letters, digits, '-', '_' or '.'");
        return value;
    }

    /// <summary>A required string field that must be one of <paramref name="allowed"/>.</summary>
    public string OneOf(string name, params string[] allowed)
    {
        string value = String(name);
        if (!allowed.Contains(value))
            throw new SignallingException(ErrorCodes.InvalidValue, $"data.{name} must be one of {string.Join(", ", allowed.Select(a => $"'{a}'"))}, not '{value}'");
        return value;
    }

    /// <summary>A required integer field.</summary>
    public int Int(string name)
    {
        var element = Required(name, JsonValueKind.Number, "an integer");
        if (!element.TryGetInt32(out int value))
            throw new SignallingException(ErrorCodes.WrongType, $"data.{name} must be an integer, not {element.GetRawText()}");
        return value;
    }

    /// <summary>An optional integer field (absent or null: null).</summary>
    public int? OptionalInt(string name) => IsAbsent(name) ? null : Int(name);

    /// <summary>An optional string field (absent or null: null).</summary>
    public string? OptionalString(string name) => IsAbsent(name) ? null : String(name);

    /// <summary>A required field in one of mediasoup's JSON shapes, read with <see cref="MediasoupJson.Options"/>.</summary>
    public T Object<T>(string name) where T : class
    {
        var element = Required(name, JsonValueKind.Object, $"an object ({typeof(T).Name})");
        try
        {
            return element.Deserialize<T>(MediasoupJson.Options)
                ?? throw new SignallingException(ErrorCodes.MissingField, $"data.{name} is required ({typeof(T).Name})");
        }
        catch (JsonException e)
        {
            throw new SignallingException(ErrorCodes.WrongType, $"data.{name} is not a valid {typeof(T).Name}: {e.Message}");
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or NotSupportedException)
        {
            throw new SignallingException(ErrorCodes.WrongType, $"data.{name} is not a valid {typeof(T).Name}: {e.Message}");
        }
    }

    private bool IsAbsent(string name) =>
        data.ValueKind != JsonValueKind.Object || !data.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null;

    private JsonElement Required(string name, JsonValueKind kind, string description)
    {
        if (IsAbsent(name))
            throw new SignallingException(ErrorCodes.MissingField, $"data.{name} is required ({description})");
        var element = data.GetProperty(name);
        if (element.ValueKind != kind)
            throw new SignallingException(ErrorCodes.WrongType, $"data.{name} must be {description}, not {KindName(element.ValueKind)}");
        return element;
    }

    internal static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
