using FaceAspire.Core.Data.Entities;
using FaceAspire.Api.Auth;
using FaceAspire.ApiClient.Contracts;
using System.Security.Claims;
using System.Text.Json;
using FaceAspire.Api.Ingest;
using FaceAspire.Core.Data;
using FaceAspire.Core.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Api.Apis;

/// <summary><c>/api/jobs</c>: request maintenance jobs and follow their progress.</summary>
public static class JobsApi
{
    /// <summary>Maps <c>POST /api/jobs/{kind}</c>, <c>GET /api/jobs/{id}</c>, <c>GET /api/jobs</c> (API key required).</summary>
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/jobs").WithTags("Jobs").RequireAuthorization();
        api.MapPost("/{kind}", RequestJob)
            .RequireScope(ApiKeyScopes.Manage)
            .WithName("RequestJob")
            .WithSummary("Queue a maintenance job: retention, recluster, reindex, reembed or reprocess (optional JSON object of parameters)")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .DisableAntiforgery();
        api.MapGet("/{id:guid}", GetJob).RequireScope(ApiKeyScopes.Read).WithName("GetJob").WithSummary("A job's status and progress");
        api.MapGet("/", ListJobs).RequireScope(ApiKeyScopes.Read).WithName("ListJobs").WithSummary("The 50 most recent jobs");
        return app;
    }

    /// <summary>202 with the job (a new one, or the active one of that kind with created=false); 400 unknown kind/bad parameters.</summary>
    public static async Task<Results<Accepted<JobDto>, ProblemHttpResult>> RequestJob(string kind, HttpRequest request, JobStore jobs,
        FaceDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!JobKinds.IsKnown(kind))
            return TypedResults.Problem($"Unknown job kind '{kind}'; known: {string.Join(", ", JobKinds.All)}.", statusCode: 400, title: "Unknown job kind");
        string? parameters = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
                if (body.RootElement.ValueKind != JsonValueKind.Object)
                    return TypedResults.Problem("Parameters must be a JSON object.", statusCode: 400, title: "Bad request");
                parameters = body.RootElement.GetRawText();
            }
            catch (JsonException e)
            {
                return TypedResults.Problem($"The JSON body is malformed: {e.Message}", statusCode: 400, title: "Bad request");
            }
        }
        var result = await jobs.RequestAsync(kind, ApiScopes.Actor(user), parameters, viaOutbox: true, cancellationToken);
        var dto = (await LoadAsync(db, result.JobId, cancellationToken))! with { Created = result.Created };
        return TypedResults.Accepted($"/api/jobs/{result.JobId}", dto);
    }

    /// <summary>200 job; 404 unknown id.</summary>
    public static async Task<Results<Ok<JobDto>, ProblemHttpResult>> GetJob(Guid id, FaceDbContext db, CancellationToken cancellationToken) =>
        await LoadAsync(db, id, cancellationToken) is { } job
            ? TypedResults.Ok(job)
            : TypedResults.Problem($"No job with id {id}.", statusCode: 404, title: "Job not found");

    /// <summary>200 with the 50 newest jobs.</summary>
    public static async Task<Ok<List<JobDto>>> ListJobs(FaceDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Jobs.AsNoTracking().OrderByDescending(j => j.CreatedAt).Take(50).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(ToDto).ToList());
    }

    private static async Task<JobDto?> LoadAsync(FaceDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        return job is null ? null : ToDto(job);
    }

    private static JobDto ToDto(Core.Data.Entities.Job j) => new(j.Id, j.Kind, j.Status, j.Done, j.Total,
        j.Total is > 0 ? Math.Round(100.0 * j.Done / j.Total.Value, 1) : j.Status == JobStatus.Done ? 100 : null,
        j.CreatedAt, j.StartedAt, j.FinishedAt, j.RequestedBy, Parse(j.Parameters), Parse(j.Result), j.Error);

    private static JsonElement? Parse(string? json)
    {
        if (json is null)
            return null;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
