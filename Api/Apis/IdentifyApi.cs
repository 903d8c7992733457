using FaceAspire.Core.Data.Entities;
using FaceAspire.Api.Auth;
using FaceAspire.ApiClient.Contracts;
using System.Security.Claims;
using FaceAspire.Api.Ingest;
using FaceAspire.Api.Mood;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Identity;
using FaceAspire.Core.Recognition;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FaceAspire.Api.Apis;

/// <summary>Labelled enrolment (<c>POST /api/persons</c>, <c>POST /api/persons/{id}/faces</c>) and <c>POST /api/identify</c>.</summary>
public static class IdentifyApi
{
    /// <summary>Maps the routes (API key required).</summary>
    public static IEndpointRouteBuilder MapIdentifyApi(this IEndpointRouteBuilder app)
    {
        var persons = app.MapGroup("/api/persons").WithTags("Persons").RequireAuthorization();
        persons.MapPost("/", Enrol)
            .RequireScope(ApiKeyScopes.Manage)
            .WithName("EnrolPerson")
            .WithSummary("Create a named person from labelled photos (multipart: name + one or more files, exactly one face each; all or nothing)")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();
        persons.MapPost("/{id:guid}/faces", AddFaces)
            .RequireScope(ApiKeyScopes.Manage)
            .WithName("AddPersonFaces")
            .WithSummary("Add labelled photos to a person (multipart files, exactly one face each; all or nothing)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .DisableAntiforgery();
        app.MapPost("/api/identify", Identify).WithTags("Persons").RequireAuthorization()
            .RequireScope(ApiKeyScopes.Ingest)
            .WithName("Identify")
            .WithSummary("For each face of an image: the top 3 persons with similarity and calibrated confidence, or unknown")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();
        return app;
    }

    /// <summary>201 with the person: a new one, or the existing unnamed person the faces match, now named; 400 no
    /// name/files; 409 the faces match a person with another name (both named); 422 an image without exactly one face
    /// (named); 503 no worker.</summary>
    public static async Task<Results<Created<EnrolledDto>, ProblemHttpResult>> Enrol(HttpRequest request, IRequestClient<EnrolPerson> client,
        FrameValidator validator, IOptions<ApiOptions> api, IOptions<MoodOptions> mood, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        try
        {
            var (name, images) = await ReadEnrolmentAsync(request, validator, api.Value, requireName: true, cancellationToken);
            return await SendAsync(client, new EnrolPerson(null, name, images, ApiScopes.Actor(user)), name, mood.Value, cancellationToken);
        }
        catch (ApiProblemException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.Status, title: e.Title);
        }
    }

    /// <summary>201 with the added faces; 404 unknown person; 422 as for enrolment.</summary>
    public static async Task<Results<Created<EnrolledDto>, ProblemHttpResult>> AddFaces(Guid id, HttpRequest request, IRequestClient<EnrolPerson> client,
        FrameValidator validator, IOptions<ApiOptions> api, IOptions<MoodOptions> mood, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        try
        {
            var (_, images) = await ReadEnrolmentAsync(request, validator, api.Value, requireName: false, cancellationToken);
            return await SendAsync(client, new EnrolPerson(id, null, images, ApiScopes.Actor(user)), null, mood.Value, cancellationToken);
        }
        catch (ApiProblemException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.Status, title: e.Title);
        }
    }

    /// <summary>200 faces with candidates; 400/415 bad image; 422 no face; 503 no worker.</summary>
    public static async Task<Results<Ok<IdentifyDto>, ProblemHttpResult>> Identify(HttpRequest request, IRequestClient<IdentifyFaces> client,
        FrameValidator validator, IOptions<ApiOptions> api, IOptions<MoodOptions> mood, IOptions<IdentityOptions> identity,
        CancellationToken cancellationToken)
    {
        try
        {
            var images = await FrameRequestReader.ReadAsync(request, api.Value, cancellationToken);
            if (images.Count != 1)
                throw ApiProblemException.BadRequest($"Send exactly one image; got {images.Count}.");
            validator.Validate(images[0]);
            Response<FacesIdentified, ImageRejected> response;
            try
            {
                response = await client.GetResponse<FacesIdentified, ImageRejected>(new IdentifyFaces(images[0].Content, 3), cancellationToken,
                    RequestTimeout.After(s: mood.Value.RequestTimeoutSeconds));
            }
            catch (RequestTimeoutException)
            {
                return NoWorker(mood.Value.RequestTimeoutSeconds);
            }
            if (response.Is(out Response<ImageRejected>? rejected))
                return Rejected(rejected.Message);
            response.Is(out Response<FacesIdentified>? found);
            var threshold = identity.Value.MatchThreshold;
            var calibration = IdentityConfidence.Default;
            var faces = found!.Message.Faces.Select(f =>
            {
                var candidates = f.Candidates.Select(c => new CandidateDto(c.PersonId, c.Name, MathF.Round(c.Similarity, 4),
                    Math.Round(calibration.Confidence(c.Similarity), 4))).ToList();
                var best = candidates.FirstOrDefault();
                var known = best is not null && best.Similarity >= threshold;
                return new IdentifiedFaceDto(new BoxDto(f.Box.X, f.Box.Y, f.Box.W, f.Box.H), known ? "identified" : "unknown", known ? best : null, candidates);
            }).ToList();
            return TypedResults.Ok(new IdentifyDto(found.Message.ModelVersion, threshold, faces));
        }
        catch (ApiProblemException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.Status, title: e.Title);
        }
    }

    private static async Task<Results<Created<EnrolledDto>, ProblemHttpResult>> SendAsync(IRequestClient<EnrolPerson> client, EnrolPerson message,
        string? name, MoodOptions options, CancellationToken cancellationToken)
    {
        var seconds = options.RequestTimeoutSeconds + options.EnrolSecondsPerImage * message.Images.Count;
        Response<PersonEnrolled, ImageRejected> response;
        try
        {
            response = await client.GetResponse<PersonEnrolled, ImageRejected>(message, cancellationToken, RequestTimeout.After(s: seconds));
        }
        catch (RequestTimeoutException)
        {
            return NoWorker(seconds);
        }
        if (response.Is(out Response<ImageRejected>? rejected))
            return Rejected(rejected.Message);
        response.Is(out Response<PersonEnrolled>? enrolled);
        var e = enrolled!.Message;
        return TypedResults.Created($"/api/persons/{e.PersonId}", new EnrolledDto(e.PersonId, name, e.FaceIds, e.FrameIds));
    }

    private static ProblemHttpResult Rejected(ImageRejected r)
    {
        var status = r.Code switch
        {
            ImageRejectionCodes.BadImage => StatusCodes.Status400BadRequest,
            ImageRejectionCodes.UnknownPerson => StatusCodes.Status404NotFound,
            ImageRejectionCodes.NameConflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status422UnprocessableEntity,
        };
        var title = status switch { 404 => "Person not found", 409 => "Already enrolled under another name", _ => "Unusable image" };
        return TypedResults.Problem(r.Reason, statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { ["code"] = r.Code, ["image"] = r.Image });
    }

    private static ProblemHttpResult NoWorker(int seconds) =>
        TypedResults.Problem($"No analysis worker answered within {seconds} s; try again shortly.", statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "No worker available");

    private static async Task<(string? Name, List<EnrolImage> Images)> ReadEnrolmentAsync(HttpRequest request, FrameValidator validator,
        ApiOptions api, bool requireName, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
            throw ApiProblemException.Unsupported("Send multipart/form-data with a \"name\" field and one or more image files.");
        var form = await request.ReadFormAsync(cancellationToken);
        var name = form["name"].FirstOrDefault()?.Trim();
        if (requireName && string.IsNullOrEmpty(name))
            throw ApiProblemException.BadRequest("The form needs a non-empty \"name\" field.");
        if (name is { Length: > 200 })
            throw ApiProblemException.BadRequest("\"name\" is longer than 200 characters.");
        if (form.Files.Count == 0)
            throw ApiProblemException.BadRequest("Attach one or more image files.");
        if (form.Files.Count > api.MaxFilesPerRequest)
            throw ApiProblemException.TooLarge($"{form.Files.Count} files; at most {api.MaxFilesPerRequest} per request.");
        var images = new List<EnrolImage>(form.Files.Count);
        foreach (var file in form.Files)
        {
            var content = new byte[file.Length];
            await using (var stream = file.OpenReadStream())
                await stream.ReadExactlyAsync(content, cancellationToken);
            var fileName = string.IsNullOrEmpty(file.FileName) ? $"file {images.Count + 1}" : file.FileName;
            validator.Validate(new UploadedImage(content, fileName, null, null, $"file '{fileName}'"));
            images.Add(new EnrolImage(fileName, content));
        }
        return (name, images);
    }
}
