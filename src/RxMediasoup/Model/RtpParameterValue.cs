using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// The value of a codec or header-extension parameter (an entry of <c>parameters</c> in mediasoup's RTP
/// capabilities and parameters): a JSON string or number, as mediasoup and mediasoup-client exchange them
/// (e.g. <c>{"packetization-mode":1,"profile-level-id":"42e01f"}</c>). Numbers stay numbers and strings stay
/// strings through JSON; equality is type-sensitive like mediasoup's (<c>1</c> is not <c>"1"</c>).
/// </summary>
/// <remarks>
/// Values convert implicitly from <see cref="string"/>, <see cref="int"/>, <see cref="long"/>,
/// <see cref="uint"/>, <see cref="double"/> and <see cref="bool"/>, so a dictionary initializer reads naturally:
/// <code>
/// Parameters = new Dictionary&lt;string, RtpParameterValue&gt; { ["packetization-mode"] = 1, ["profile-level-id"] = "42e01f" }
/// </code>
/// <c>default(RtpParameterValue)</c> is the empty string (what mediasoup makes of an <c>undefined</c> value).
/// </remarks>
[JsonConverter(typeof(RtpParameterValueJsonConverter))]
public readonly struct RtpParameterValue : IEquatable<RtpParameterValue>
{
    private readonly string? _string;
    private readonly double _number;
    private readonly ImmutableArray<int> _integers;

    private RtpParameterValue(RtpParameterValueKind kind, string? text, double number, ImmutableArray<int> integers)
    {
        Kind = kind;
        _string = text;
        _number = number;
        _integers = integers;
    }

    /// <summary>The JSON type of this value.</summary>
    public RtpParameterValueKind Kind { get; }

    /// <summary>Whether this value is a string.</summary>
    public bool IsString => Kind == RtpParameterValueKind.String;

    /// <summary>Whether this value is a number.</summary>
    public bool IsNumber => Kind == RtpParameterValueKind.Number;

    /// <summary>Whether this value is a boolean.</summary>
    public bool IsBoolean => Kind == RtpParameterValueKind.Boolean;

    /// <summary>Whether this value is an array of integers.</summary>
    public bool IsIntegerArray => Kind == RtpParameterValueKind.IntegerArray;

    /// <summary>Creates a string value.</summary>
    /// <param name="value">The string; <see langword="null"/> is taken as the empty string.</param>
    public static RtpParameterValue FromString(string? value) => new(RtpParameterValueKind.String, value ?? string.Empty, 0, default);

    /// <summary>Creates a number value.</summary>
    /// <param name="value">The number.</param>
    public static RtpParameterValue FromNumber(double value) => new(RtpParameterValueKind.Number, null, value, default);

    /// <summary>Creates a boolean value.</summary>
    /// <param name="value">The boolean.</param>
    public static RtpParameterValue FromBoolean(bool value) => new(RtpParameterValueKind.Boolean, null, value ? 1 : 0, default);

    /// <summary>Creates an integer-array value.</summary>
    /// <param name="values">The integers.</param>
    public static RtpParameterValue FromIntegers(IEnumerable<int> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(RtpParameterValueKind.IntegerArray, null, 0, [.. values]);
    }

    /// <summary>The string, if this value is a string.</summary>
    /// <exception cref="InvalidOperationException">The value is not a string.</exception>
    public string AsString() => IsString ? _string ?? string.Empty : throw WrongKind(RtpParameterValueKind.String);

    /// <summary>The number, if this value is a number.</summary>
    /// <exception cref="InvalidOperationException">The value is not a number.</exception>
    public double AsNumber() => IsNumber ? _number : throw WrongKind(RtpParameterValueKind.Number);

    /// <summary>The boolean, if this value is a boolean.</summary>
    /// <exception cref="InvalidOperationException">The value is not a boolean.</exception>
    public bool AsBoolean() => IsBoolean ? _number != 0 : throw WrongKind(RtpParameterValueKind.Boolean);

    /// <summary>The integers, if this value is an integer array.</summary>
    /// <exception cref="InvalidOperationException">The value is not an integer array.</exception>
    public IReadOnlyList<int> AsIntegers() =>
        IsIntegerArray ? (_integers.IsDefault ? [] : _integers) : throw WrongKind(RtpParameterValueKind.IntegerArray);

    /// <summary>Gets the string if this value is a string.</summary>
    /// <param name="value">The string, or <see langword="null"/>.</param>
    /// <returns>Whether the value is a string.</returns>
    public bool TryGetString([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        value = IsString ? _string ?? string.Empty : null;
        return IsString;
    }

    /// <summary>Gets the number if this value is a number.</summary>
    /// <param name="value">The number, or 0.</param>
    /// <returns>Whether the value is a number.</returns>
    public bool TryGetNumber(out double value)
    {
        value = IsNumber ? _number : 0;
        return IsNumber;
    }

    /// <summary>Gets the number as an <see cref="int"/> if this value is a number with an integral value in range.</summary>
    /// <param name="value">The integer, or 0.</param>
    /// <returns>Whether the value is an integral number that fits an <see cref="int"/>.</returns>
    public bool TryGetInt32(out int value)
    {
        if (IsNumber && _number == Math.Floor(_number) && _number is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)_number;
            return true;
        }
        value = 0;
        return false;
    }

    /// <summary>
    /// JavaScript truthiness of the value (mediasoup's <c>value || default</c> checks): an empty string, 0, NaN
    /// and <see langword="false"/> are falsy; everything else is truthy.
    /// </summary>
    internal bool IsTruthy => Kind switch
    {
        RtpParameterValueKind.String => !string.IsNullOrEmpty(_string),
        RtpParameterValueKind.Number => _number != 0 && !double.IsNaN(_number),
        RtpParameterValueKind.Boolean => _number != 0,
        _ => true,
    };

    /// <summary>Converts a string to a value.</summary>
    /// <param name="value">The string.</param>
    public static implicit operator RtpParameterValue(string? value) => FromString(value);

    /// <summary>Converts a number to a value.</summary>
    /// <param name="value">The number.</param>
    public static implicit operator RtpParameterValue(int value) => FromNumber(value);

    /// <summary>Converts a number to a value.</summary>
    /// <param name="value">The number.</param>
    public static implicit operator RtpParameterValue(long value) => FromNumber(value);

    /// <summary>Converts a number to a value.</summary>
    /// <param name="value">The number.</param>
    public static implicit operator RtpParameterValue(uint value) => FromNumber(value);

    /// <summary>Converts a number to a value.</summary>
    /// <param name="value">The number.</param>
    public static implicit operator RtpParameterValue(double value) => FromNumber(value);

    /// <summary>Converts a boolean to a value.</summary>
    /// <param name="value">The boolean.</param>
    public static implicit operator RtpParameterValue(bool value) => FromBoolean(value);

    /// <summary>Type-sensitive equality: kinds must match, then strings compare ordinally and numbers by value.</summary>
    /// <param name="other">The other value.</param>
    public bool Equals(RtpParameterValue other)
    {
        if (Kind != other.Kind)
        {
            return false;
        }
        return Kind switch
        {
            RtpParameterValueKind.String => string.Equals(_string ?? string.Empty, other._string ?? string.Empty, StringComparison.Ordinal),
            RtpParameterValueKind.IntegerArray => AsIntegers().SequenceEqual(other.AsIntegers()),
            _ => _number.Equals(other._number),
        };
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RtpParameterValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Kind switch
    {
        RtpParameterValueKind.String => HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode(_string ?? string.Empty)),
        RtpParameterValueKind.IntegerArray => AsIntegers().Aggregate(HashCode.Combine(Kind), HashCode.Combine),
        _ => HashCode.Combine(Kind, _number),
    };

    /// <summary>Whether two values are equal (type-sensitive).</summary>
    /// <param name="left">A value.</param>
    /// <param name="right">Another value.</param>
    public static bool operator ==(RtpParameterValue left, RtpParameterValue right) => left.Equals(right);

    /// <summary>Whether two values differ (type-sensitive).</summary>
    /// <param name="left">A value.</param>
    /// <param name="right">Another value.</param>
    public static bool operator !=(RtpParameterValue left, RtpParameterValue right) => !left.Equals(right);

    /// <summary>The value as text: the string itself, a number in invariant culture, <c>true</c>/<c>false</c>, or comma-separated integers.</summary>
    public override string ToString() => Kind switch
    {
        RtpParameterValueKind.String => _string ?? string.Empty,
        RtpParameterValueKind.Number => _number.ToString("R", CultureInfo.InvariantCulture),
        RtpParameterValueKind.Boolean => _number != 0 ? "true" : "false",
        _ => string.Join(",", AsIntegers()),
    };

    private InvalidOperationException WrongKind(RtpParameterValueKind expected) =>
        new($"the parameter value is a {Kind}, not a {expected} (value: {this})");
}
