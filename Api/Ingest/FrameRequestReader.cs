using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace FaceAspire.Api.Ingest;

/// <summary>
/// Turns a <c>POST /api/frames</c> request into <see cref="UploadedImage"/>s. Three shapes:
/// <c>multipart/form-data</c> (one or many files in any field; optional fields <c>source</c>, <c>timestamp</c>),
/// a raw image body (<c>image/*</c> or <c>application/octet-stream</c>; source/timestamp from the query
/// <c>?source=&amp;timestamp=</c> or the headers <c>X-Source</c>, <c>X-Timestamp</c>, file name from
/// <c>X-File-Name</c>), or JSON <c>{"image": base64 or data URL, "timestamp": …, "source": …, "fileName": …}</c>
/// (or an array of such objects). Only the envelope is checked here; the bytes are validated by
/// <see cref="FrameValidator"/>.
/// </summary>
public static class FrameRequestReader
{
    /// <summary>Reads every image of the request.</summary>
    /// <exception cref="ApiProblemException">400 missing image / bad JSON / bad base64 / bad timestamp,
    /// 413 too many files or too large, 415 an unsupported request content type.</exception>
    public static async Task<IReadOnlyList<UploadedImage>> ReadAsync(HttpRequest request, ApiOptions options, CancellationToken cancellationToken)
    {
        // Kestrel's own limit (MaxRequestBytes) would cut the connection mid-upload, and most clients then report a
        // broken pipe instead of the 413. So this endpoint lets Kestrel read up to DrainFactor × the limit, enforces
        // the limit itself, and on refusal reads the rest of the body away so the client gets to see the answer.
        var feature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
            feature.MaxRequestBodySize = options.MaxRequestBytes * DrainFactor;
        try
        {
            return await ReadCheckedAsync(request, options, cancellationToken);
        }
        catch (ApiProblemException)
        {
            await DrainAsync(request, cancellationToken);
            throw;
        }
    }

    /// <summary>How many times <see cref="ApiOptions.MaxRequestBytes"/> is read away to deliver a 413; beyond it the connection is cut.</summary>
    public const int DrainFactor = 4;

    private static async Task DrainAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var buffer = new byte[81920];
            while (await request.Body.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or InvalidOperationException)
        {
            // Over the drain limit, or the client gave up: Kestrel closes the connection; nothing more to do.
        }
    }

    private static async Task<IReadOnlyList<UploadedImage>> ReadCheckedAsync(HttpRequest request, ApiOptions options, CancellationToken cancellationToken)
    {
        if (request.ContentLength > options.MaxRequestBytes)
            throw ApiProblemException.TooLarge(
                $"The request is {request.ContentLength} bytes; the largest accepted is {options.MaxRequestBytes} bytes ({Mb(options.MaxImageBytes)} MB per image).");
        if (string.IsNullOrEmpty(request.ContentType))
        {
            if (request.ContentLength is null or 0)
                throw ApiProblemException.BadRequest("The request holds no image. Send multipart/form-data, an image/jpeg or image/png body, or JSON {\"image\": base64}.");
            throw ApiProblemException.Unsupported("The request has no Content-Type. Use multipart/form-data, image/jpeg, image/png or application/json.");
        }
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType))
            throw ApiProblemException.Unsupported($"Content-Type '{request.ContentType}' cannot be parsed.");
        var type = mediaType.MediaType.Value ?? "";
        if (type.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return await ReadMultipartAsync(request, options, cancellationToken);
        if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            return await ReadJsonAsync(request, options, cancellationToken);
        if (type.StartsWith("image/", StringComparison.OrdinalIgnoreCase) || type.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase))
            return [await ReadRawAsync(request, options, cancellationToken)];
        throw ApiProblemException.Unsupported(
            $"Content-Type '{type}' is not accepted. Use multipart/form-data, image/jpeg, image/png or application/json.");
    }

    private static async Task<UploadedImage> ReadRawAsync(HttpRequest request, ApiOptions options, CancellationToken cancellationToken)
    {
        if (request.ContentLength > options.MaxImageBytes)
            throw TooLarge(request.ContentLength.Value, options);
        var content = await ReadBodyAsync(request, options.MaxImageBytes, cancellationToken);
        if (content.Length == 0)
            throw ApiProblemException.BadRequest("The request body is empty; it should be the image.");
        var source = First(request.Query["source"]) ?? First(request.Headers["X-Source"]);
        var timestamp = First(request.Query["timestamp"]) ?? First(request.Headers["X-Timestamp"]);
        return new UploadedImage(content, First(request.Headers["X-File-Name"]), Clean(source), Timestamps.Parse(timestamp, "timestamp"), "body");
    }

    private static async Task<IReadOnlyList<UploadedImage>> ReadMultipartAsync(HttpRequest request, ApiOptions options, CancellationToken cancellationToken)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiProblemException.TooLarge($"The multipart request exceeds a limit: {e.Message}");
        }
        catch (InvalidDataException e)
        {
            throw ApiProblemException.BadRequest($"The multipart body is malformed: {e.Message}");
        }
        catch (IOException e) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // A body that does not use the boundary its Content-Type declares ends the reader's stream early.
            throw ApiProblemException.BadRequest($"The multipart body does not match its Content-Type's boundary: {e.Message}");
        }
        if (form.Files.Count == 0)
            throw ApiProblemException.BadRequest("The multipart request holds no file; attach the image(s) as file parts.");
        if (form.Files.Count > options.MaxFilesPerRequest)
            throw ApiProblemException.TooLarge($"The request holds {form.Files.Count} files; at most {options.MaxFilesPerRequest} are accepted per request.");
        var source = Clean(First(form["source"]));
        var timestamp = Timestamps.Parse(First(form["timestamp"]), "timestamp");
        // The client's path of the file (the CLI import sends it); only meaningful with one file per request.
        var path = form.Files.Count == 1 ? CleanPath(First(form["path"])) : null;
        var images = new List<UploadedImage>(form.Files.Count);
        foreach (var file in form.Files)
        {
            var part = $"file '{file.FileName}'";
            if (file.Length > options.MaxImageBytes)
                throw ApiProblemException.TooLarge($"{part} is {Mb(file.Length)} MB; the largest image accepted is {Mb(options.MaxImageBytes)} MB.");
            if (file.Length == 0)
                throw ApiProblemException.BadRequest($"{part} is empty.");
            var content = new byte[file.Length];
            await using (var stream = file.OpenReadStream())
                await stream.ReadExactlyAsync(content, cancellationToken);
            images.Add(new UploadedImage(content, Clean(file.FileName), source, timestamp, part, path));
        }
        return images;
    }

    private static async Task<IReadOnlyList<UploadedImage>> ReadJsonAsync(HttpRequest request, ApiOptions options, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, options.MaxRequestBytes, cancellationToken);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw ApiProblemException.BadRequest($"The JSON body is malformed: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
                return [ReadJsonImage(root, "JSON body", options)];
            if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() == 0)
                throw ApiProblemException.BadRequest("The JSON body must be an object {\"image\": …} or a non-empty array of them.");
            if (root.GetArrayLength() > options.MaxFilesPerRequest)
                throw ApiProblemException.TooLarge($"The request holds {root.GetArrayLength()} images; at most {options.MaxFilesPerRequest} are accepted per request.");
            var images = new List<UploadedImage>();
            var index = 0;
            foreach (var item in root.EnumerateArray())
                images.Add(ReadJsonImage(item, $"JSON item {index++}", options));
            return images;
        }
    }

    private static UploadedImage ReadJsonImage(JsonElement element, string part, ApiOptions options)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw ApiProblemException.BadRequest($"{part} must be an object with an \"image\" property.");
        if (!TryGetProperty(element, "image", out var image) || image.ValueKind != JsonValueKind.String || image.GetString() is not { Length: > 0 } text)
            throw ApiProblemException.BadRequest($"{part} has no \"image\" string (base64 or a data: URL).");
        var content = Base64Image.Decode(text, part, options.MaxImageBytes);
        var source = TryGetProperty(element, "source", out var s) && s.ValueKind == JsonValueKind.String ? Clean(s.GetString()) : null;
        var fileName = TryGetProperty(element, "fileName", out var f) && f.ValueKind == JsonValueKind.String ? Clean(f.GetString()) : null;
        var timestamp = TryGetProperty(element, "timestamp", out var t) ? Timestamps.Parse(t, "timestamp") : null;
        return new UploadedImage(content, fileName, source, timestamp, part);
    }

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>Reads the whole body, refusing more than <paramref name="limit"/> bytes with 413.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream(request.ContentLength is { } n and > 0 ? (int)Math.Min(n, limit) : 64 * 1024);
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
                throw ApiProblemException.TooLarge($"The request body exceeds {limit} bytes.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    private static ApiProblemException TooLarge(long length, ApiOptions options) =>
        ApiProblemException.TooLarge($"The image is {Mb(length)} MB; the largest image accepted is {Mb(options.MaxImageBytes)} MB.");

    internal static string Mb(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    private static string? First(Microsoft.Extensions.Primitives.StringValues values) => values.Count > 0 ? values[0] : null;

    /// <summary>Like <see cref="Clean"/> but keeps up to 1,000 characters (paths are long).</summary>
    private static string? CleanPath(string? value)
    {
        value = value is null ? null : new string([.. value.Where(c => !char.IsControl(c))]).Trim();
        return string.IsNullOrEmpty(value) ? null : value.Length <= 1000 ? value : value[..1000];
    }

    /// <summary>Trims, drops empty values and caps free text at 200 characters.</summary>
    private static string? Clean(string? value)
    {
        // PostgreSQL jsonb refuses \u0000, and control characters have no business in a name.
        value = value is null ? null : new string([.. value.Where(c => !char.IsControl(c))]).Trim();
        if (string.IsNullOrEmpty(value))
            return null;
        return value.Length <= 200 ? value : value[..200];
    }
}
