using System.Text.Json;

namespace FaceAspire.ApiClient;

/// <summary>The Api answered with an error status; its ProblemDetails' title and detail are in the message.</summary>
/// <param name="status">The HTTP status code.</param>
/// <param name="title">ProblemDetails <c>title</c> (or the reason phrase).</param>
/// <param name="detail">ProblemDetails <c>detail</c>, or null.</param>
public sealed class ApiProblemException(int status, string title, string? detail)
    : Exception($"HTTP {status}: {title}{(string.IsNullOrEmpty(detail) ? "" : ": " + detail)}")
{
    /// <summary>The HTTP status code (4xx: the request's fault, not retried; 5xx: the Api's, after retries).</summary>
    public int Status { get; } = status;

    /// <summary>ProblemDetails <c>title</c>.</summary>
    public string Title { get; } = title;

    /// <summary>ProblemDetails <c>detail</c>, or null.</summary>
    public string? Detail { get; } = detail;

    /// <summary>Reads an error response's ProblemDetails (RFC 9457), or uses the raw body when it is not JSON.</summary>
    internal static async Task<ApiProblemException> FromAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            string? Text(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return new ApiProblemException((int)response.StatusCode, Text("title") ?? response.ReasonPhrase ?? "error", Text("detail"));
        }
        catch (JsonException)
        {
            return new ApiProblemException((int)response.StatusCode, response.ReasonPhrase ?? "error", body.Length > 300 ? body[..300] : body);
        }
    }
}
