using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FaceAspire.ApiClient.Contracts;
using Microsoft.Extensions.Options;

namespace FaceAspire.ApiClient;

/// <summary>
/// The Api's routes as typed calls: ingest (<c>POST /api/frames</c>), frame status, and maintenance jobs. Sends the
/// configured key as <c>X-Api-Key</c>. Retries belong to the HttpClient's pipeline (the standard resilience handler the
/// service defaults or <see cref="ApiClientServiceCollectionExtensions.AddFaceAspireApiClient"/> add, which honours
/// <c>Retry-After</c>); an error answer surfaces as <see cref="ApiProblemException"/>.
/// </summary>
public sealed class FaceAspireApiClient(HttpClient http, IOptions<ApiClientOptions> options)
{
    /// <summary>The header the Api reads the key from.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Posts one image as <c>multipart/form-data</c> (part <c>file</c>, plus <c>source</c>, <c>path</c> and
    /// <c>timestamp</c> when given).</summary>
    /// <param name="content">The encoded image (JPEG, PNG…), at most the Api's limit (20 MB by default).</param>
    /// <param name="contentType">Its media type, e.g. <c>image/jpeg</c>.</param>
    /// <param name="fileName">File name stored with the frame's metadata.</param>
    /// <param name="source">Source name (camera, folder), or null.</param>
    /// <param name="path">The original path, kept in the metadata, or null.</param>
    /// <param name="timestamp">Capture time hint when the image has no EXIF time, or null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The accepted frame (the same id for the same bytes, however often posted).</returns>
    /// <exception cref="ApiProblemException">The Api refused it (413 too large, 415 not an image, 400 corrupt, 401/403 key).</exception>
    public async Task<AcceptedFrame> PostFrameAsync(byte[] content, string contentType, string fileName, string? source = null,
        string? path = null, DateTimeOffset? timestamp = null, CancellationToken cancellationToken = default)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        if (source is not null)
            form.Add(new StringContent(source), "source");
        if (path is not null)
            form.Add(new StringContent(path), "path");
        if (timestamp is { } t)
            form.Add(new StringContent(t.ToString("O")), "timestamp");
        var accepted = await SendAsync<List<AcceptedFrame>>(HttpMethod.Post, "api/frames", form, cancellationToken);
        return accepted[0];
    }

    /// <summary>Posts one image as the raw request body (<c>Content-Type</c> = <paramref name="contentType"/>).</summary>
    /// <inheritdoc cref="PostFrameAsync(byte[], string, string, string?, string?, DateTimeOffset?, CancellationToken)" path="/exception"/>
    public async Task<AcceptedFrame> PostRawFrameAsync(byte[] content, string contentType, string? source = null, CancellationToken cancellationToken = default)
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var uri = source is null ? "api/frames" : $"api/frames?source={Uri.EscapeDataString(source)}";
        return (await SendAsync<List<AcceptedFrame>>(HttpMethod.Post, uri, body, cancellationToken))[0];
    }

    /// <summary>A frame with its status and, once <c>done</c>, its faces; null when no such frame exists.</summary>
    /// <exception cref="ApiProblemException">Any other error answer.</exception>
    public async Task<FrameDto?> GetFrameAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Get, $"api/frames/{id}");
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            return null;
        return await ReadAsync<FrameDto>(response, cancellationToken);
    }

    /// <summary>Polls a frame until it is <c>done</c> or <c>failed</c>, or <paramref name="wait"/> runs out; returns its
    /// last state (null when it does not exist).</summary>
    /// <param name="id">The frame.</param>
    /// <param name="wait">Longest wait.</param>
    /// <param name="pollInterval">Pause between polls; 100 ms when null.</param>
    /// <param name="cancellationToken">Cancels.</param>
    public async Task<FrameDto?> WaitForFrameAsync(Guid id, TimeSpan wait, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var frame = await GetFrameAsync(id, cancellationToken);
            if (frame is null || frame.Status is "done" or "failed" || DateTime.UtcNow >= deadline)
                return frame;
            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>Queues a maintenance job (<c>POST /api/jobs/{kind}</c>); when one of that kind is already active, that
    /// one comes back with <see cref="JobDto.Created"/> false.</summary>
    /// <param name="kind">retention, recluster, reindex, reembed or reprocess.</param>
    /// <param name="parametersJson">A JSON object of parameters, or null.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <exception cref="ApiProblemException">400 unknown kind or bad parameters, 401/403 key.</exception>
    public Task<JobDto> RequestJobAsync(string kind, string? parametersJson = null, CancellationToken cancellationToken = default) =>
        SendAsync<JobDto>(HttpMethod.Post, $"api/jobs/{Uri.EscapeDataString(kind)}",
            parametersJson is null ? null : new StringContent(parametersJson, Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary>A job's status and progress.</summary>
    /// <exception cref="ApiProblemException">404 no such job, 401/403 key.</exception>
    public Task<JobDto> GetJobAsync(Guid id, CancellationToken cancellationToken = default) =>
        SendAsync<JobDto>(HttpMethod.Get, $"api/jobs/{id}", null, cancellationToken);

    /// <summary>The 50 most recent jobs, newest first.</summary>
    public Task<List<JobDto>> ListJobsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<List<JobDto>>(HttpMethod.Get, "api/jobs", null, cancellationToken);

    /// <summary>Renames, hides/unhides or sets the cover of a person (<c>PATCH /api/persons/{id}</c>, scope manage).</summary>
    /// <exception cref="ApiProblemException">400 nothing to change, name too long or a cover not the person's; 404 no such
    /// person; 401/403 key.</exception>
    public Task<PersonDto> PatchPersonAsync(Guid id, PersonPatchRequest patch, CancellationToken cancellationToken = default) =>
        SendAsync<PersonDto>(HttpMethod.Patch, $"api/persons/{id}", JsonContent.Create(patch, options: Json), cancellationToken);

    /// <summary>Merges person <paramref name="sourceId"/> into <paramref name="targetId"/> (<c>POST /api/persons/{id}/merge</c>).</summary>
    /// <exception cref="ApiProblemException">409 a photo holds a face of each (<c>sharedFrameIds</c> in the problem), 404 no
    /// such person, 400 the same person; 401/403 key.</exception>
    public Task<MergeDto> MergePersonAsync(Guid sourceId, Guid targetId, CancellationToken cancellationToken = default) =>
        SendAsync<MergeDto>(HttpMethod.Post, $"api/persons/{sourceId}/merge", JsonContent.Create(new MergeRequest(targetId), options: Json),
            cancellationToken);

    /// <summary>Undoes a merge (<c>POST /api/merges/{id}/undo</c>).</summary>
    /// <exception cref="ApiProblemException">404 no such merge, 409 already undone; 401/403 key.</exception>
    public Task<MergeUndoneDto> UndoMergeAsync(long mergeId, CancellationToken cancellationToken = default) =>
        SendAsync<MergeUndoneDto>(HttpMethod.Post, $"api/merges/{mergeId}/undo", null, cancellationToken);

    /// <summary>Moves a face to <paramref name="personId"/>, or to a new person when null (<c>POST /api/faces/{id}/move</c>).</summary>
    /// <exception cref="ApiProblemException">409 that person has a face of the same photo, 404 no such face or person; 401/403 key.</exception>
    public Task<FaceMovedDto> MoveFaceAsync(Guid faceId, Guid? personId, CancellationToken cancellationToken = default) =>
        SendAsync<FaceMovedDto>(HttpMethod.Post, $"api/faces/{faceId}/move",
            JsonContent.Create(personId is null ? new FaceMoveRequest(NewPerson: true) : new FaceMoveRequest(personId), options: Json),
            cancellationToken);

    /// <summary>Deletes a person, keeping its faces unassigned or erasing them (<c>DELETE /api/persons/{id}?faces=…</c>).</summary>
    /// <exception cref="ApiProblemException">404 no such person; 401/403 key.</exception>
    public Task<PersonDeletedDto> DeletePersonAsync(Guid id, bool keepFaces, CancellationToken cancellationToken = default) =>
        SendAsync<PersonDeletedDto>(HttpMethod.Delete, $"api/persons/{id}?faces={(keepFaces ? "keep" : "delete")}", null, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string uri, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = Request(method, uri);
        request.Content = content;
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private HttpRequestMessage Request(HttpMethod method, string uri)
    {
        var request = new HttpRequestMessage(method, uri);
        if (options.Value.ApiKey is { Length: > 0 } key)
            request.Headers.Add(ApiKeyHeader, key);
        return request;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
            throw await ApiProblemException.FromAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
               ?? throw new ApiProblemException((int)response.StatusCode, "empty answer", null);
    }
}
