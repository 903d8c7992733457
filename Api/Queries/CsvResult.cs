using FaceAspire.ApiClient.Contracts;
using System.Globalization;
using System.Text;

namespace FaceAspire.Api.Queries;

/// <summary>
/// A <c>text/csv; charset=utf-8</c> response (RFC 4180: CRLF line ends, a field with a comma, quote, CR or LF is
/// quoted and its quotes doubled; a leading <c>= + - @</c> is prefixed with an apostrophe so a spreadsheet does not
/// run it as a formula). Numbers use the invariant culture, times ISO-8601 UTC. <c>X-Total-Count</c> carries the
/// total over all pages.
/// </summary>
public sealed class CsvResult(IReadOnlyList<string> header, IEnumerable<object?[]> rows, long total, string fileName) : IResult
{
    /// <summary>True when the request's Accept header asks for <c>text/csv</c>.</summary>
    public static bool Requested(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("text/csv", StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers["X-Total-Count"] = total.ToString(CultureInfo.InvariantCulture);
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        var sb = new StringBuilder();
        AppendRow(sb, header);
        await response.WriteAsync(sb.ToString(), httpContext.RequestAborted);
        foreach (var row in rows)
        {
            sb.Clear();
            AppendRow(sb, row);
            await response.WriteAsync(sb.ToString(), httpContext.RequestAborted);
        }
    }

    /// <summary>Appends one CSV line (with CRLF) for <paramref name="fields"/>.</summary>
    public static void AppendRow<T>(StringBuilder sb, IReadOnlyList<T> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
                sb.Append(',');
            AppendField(sb, Format(fields[i]));
        }
        sb.Append("\r\n");
    }

    /// <summary>Invariant text of a field value ("" for null).</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static void AppendField(StringBuilder sb, string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            value = "'" + value;
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            sb.Append(value);
            return;
        }
        sb.Append('"').Append(value.Replace("\"", "\"\"")).Append('"');
    }
}
