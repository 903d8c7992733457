using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>Request builders and response readers for the ingest API.</summary>
internal static class Http
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Accepted(Guid Id, string Status, string StatusUrl, bool Duplicate);

    public static HttpContent Raw(byte[] bytes, string contentType = "image/jpeg")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    public static HttpContent Multipart(params (byte[] Bytes, string FileName)[] files) => Multipart(null, null, files);

    public static HttpContent Multipart(string? source, string? timestamp, params (byte[] Bytes, string FileName)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (bytes, name) in files)
            form.Add(Raw(bytes, name.EndsWith(".png") ? "image/png" : "image/jpeg"), "files", name);
        if (source is not null)
            form.Add(new StringContent(source), "source");
        if (timestamp is not null)
            form.Add(new StringContent(timestamp), "timestamp");
        return form;
    }

    public static HttpContent JsonBody(object body) =>
        new StringContent(JsonSerializer.Serialize(body, Json), System.Text.Encoding.UTF8, "application/json");

    public static async Task<List<Accepted>> ExpectAcceptedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<List<Accepted>>(text, Json)!;
    }

    /// <summary>Asserts the status and a ProblemDetails body carrying it; returns the body.</summary>
    public static async Task<JsonElement> ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        return body;
    }
}
