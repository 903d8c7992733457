using System.Globalization;
using System.Text.Json;

namespace FaceAspire.Api.Ingest;

/// <summary>Parses client timestamps: ISO-8601 (no offset = UTC) or unix epoch milliseconds.</summary>
public static class Timestamps
{
    private static readonly DateTimeOffset Earliest = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Null for null/empty input; otherwise the instant, converted to UTC. A string of digits (optionally signed)
    /// is unix milliseconds; anything else must be ISO-8601 (e.g. <c>2024-05-01T12:00:00+02:00</c>).
    /// </summary>
    /// <param name="value">The raw value.</param>
    /// <param name="what">Name of the field, for the error message.</param>
    /// <exception cref="ApiProblemException">400: not a timestamp, or outside 1900..2200.</exception>
    public static DateTimeOffset? Parse(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        value = value.Trim();
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
            return FromUnixMs(ms, what);
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed) && InRange(parsed))
            return parsed.ToUniversalTime();
        throw ApiProblemException.BadRequest(
            $"'{what}' must be an ISO-8601 date-time (e.g. 2024-05-01T12:00:00Z) or unix milliseconds between 1900 and 2200; got '{Truncate(value)}'.");
    }

    /// <summary>Like <see cref="Parse(string?, string)"/> for a JSON value: a number (unix ms), a string, or null.</summary>
    /// <exception cref="ApiProblemException">400: another JSON type or an invalid value.</exception>
    public static DateTimeOffset? Parse(JsonElement value, string what) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        JsonValueKind.String => Parse(value.GetString(), what),
        JsonValueKind.Number when value.TryGetInt64(out var ms) => FromUnixMs(ms, what),
        _ => throw ApiProblemException.BadRequest($"'{what}' must be an ISO-8601 string or a number of unix milliseconds."),
    };

    private static DateTimeOffset FromUnixMs(long ms, string what)
    {
        if (ms >= Earliest.ToUnixTimeMilliseconds() && ms < Latest.ToUnixTimeMilliseconds())
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        throw ApiProblemException.BadRequest($"'{what}' as unix milliseconds must lie between 1900 and 2200; got {ms}.");
    }

    private static bool InRange(DateTimeOffset t) => t >= Earliest && t < Latest;

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "…";
}
