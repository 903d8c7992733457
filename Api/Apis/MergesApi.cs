using System.Security.Claims;
using FaceAspire.Api.Auth;
using FaceAspire.ApiClient.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Core.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Api.Apis;

/// <summary>
/// Merges over HTTP: <c>POST /api/persons/{id}/merge</c> (manage), <c>GET /api/merges/{id}</c> (read),
/// <c>POST /api/merges/{id}/undo</c> (manage), through Core's <see cref="PersonMerger"/> (audited as the admin's merges).
/// </summary>
public static class MergesApi
{
    /// <summary>Maps the three routes.</summary>
    public static IEndpointRouteBuilder MapMergesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/persons/{id:guid}/merge", Merge).WithTags("Persons").RequireAuthorization()
            .RequireScope(ApiKeyScopes.Manage)
            .WithName("MergePerson")
            .WithSummary("Merge this person into another (JSON {targetId}); refused (409) when both have a face in one photo")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .DisableAntiforgery();
        var merges = app.MapGroup("/api/merges").WithTags("Persons").RequireAuthorization();
        merges.MapGet("/{id:long}", GetMerge)
            .RequireScope(ApiKeyScopes.Read)
            .WithName("GetMerge")
            .WithSummary("A recorded merge: who, when, which faces moved, and whether it was undone")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        merges.MapPost("/{id:long}/undo", Undo)
            .RequireScope(ApiKeyScopes.Manage)
            .WithName("UndoMerge")
            .WithSummary("Undo a merge: the merged-away person comes back with its old id and the faces still on the target")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .DisableAntiforgery();
        return app;
    }

    /// <summary>
    /// 201 the merge (Location <c>/api/merges/{id}</c>); 400 merging a person into itself; 404 either person unknown;
    /// 409 ProblemDetails with <c>sharedFrameIds</c> when a photo holds a face of each (cannot-link).
    /// </summary>
    public static async Task<Results<Created<MergeDto>, ValidationProblem, ProblemHttpResult>> Merge(Guid id, MergeRequest body,
        PersonMerger merger, FaceDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (body.TargetId == Guid.Empty || body.TargetId == id)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                { ["targetId"] = ["'targetId' must be another person's id."] }, title: "Invalid merge");
        try
        {
            var mergeId = await merger.MergeAsync(id, body.TargetId, ApiScopes.Actor(user), cancellationToken);
            var merge = await LoadAsync(db, mergeId, cancellationToken);
            return TypedResults.Created($"/api/merges/{mergeId}", merge);
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Person not found");
        }
        catch (PersonsShareFramesException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Persons share a photo",
                extensions: new Dictionary<string, object?>
                {
                    ["sourceId"] = e.SourceId, ["targetId"] = e.TargetId, ["sharedFrameIds"] = e.SharedFrameIds,
                });
        }
    }

    /// <summary>200 the merge; 404 unknown id.</summary>
    public static async Task<Results<Ok<MergeDto>, ProblemHttpResult>> GetMerge(long id, FaceDbContext db, CancellationToken cancellationToken) =>
        await LoadAsync(db, id, cancellationToken) is { } merge
            ? TypedResults.Ok(merge)
            : MergeNotFound(id);

    /// <summary>200 the restored person and faces moved back; 404 unknown merge; 409 already undone or the person exists again.</summary>
    public static async Task<Results<Ok<MergeUndoneDto>, ProblemHttpResult>> Undo(long id, PersonMerger merger, FaceDbContext db,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        try
        {
            var back = await merger.UndoAsync(id, ApiScopes.Actor(user), cancellationToken);
            var source = await db.PersonMerges.AsNoTracking().Where(m => m.Id == id).Select(m => m.SourcePersonId).FirstAsync(cancellationToken);
            return TypedResults.Ok(new MergeUndoneDto(id, source, back));
        }
        catch (KeyNotFoundException)
        {
            return MergeNotFound(id);
        }
        catch (InvalidOperationException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Merge cannot be undone");
        }
    }

    private static async Task<MergeDto?> LoadAsync(FaceDbContext db, long id, CancellationToken cancellationToken) =>
        await db.PersonMerges.AsNoTracking().Where(m => m.Id == id)
            .Select(m => new MergeDto(m.Id, m.SourcePersonId, m.TargetPersonId, m.MovedFaceIds, m.At, m.Actor, m.UndoneAt))
            .FirstOrDefaultAsync(cancellationToken);

    private static ProblemHttpResult MergeNotFound(long id) =>
        TypedResults.Problem($"No merge with id {id}.", statusCode: StatusCodes.Status404NotFound, title: "Merge not found");
}
