using System.Security.Claims;
using FaceAspire.Api.Auth;
using FaceAspire.Api.Queries;
using FaceAspire.ApiClient.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Core.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Api.Apis;

/// <summary>
/// Identity edits over HTTP, the admin's person page as routes: <c>PATCH /api/persons/{id}</c>,
/// <c>DELETE /api/persons/{id}</c>, <c>POST /api/faces/{id}/move</c>. Each runs Core's <see cref="PersonEditor"/>
/// (one transaction with its audit row, actor <c>api-key:</c> + key prefix) and needs the <c>manage</c> scope.
/// </summary>
public static class PersonEditsApi
{
    /// <summary>Values of the required <c>faces</c> query parameter of the delete route.</summary>
    public static readonly IReadOnlyList<string> FaceChoices = ["keep", "delete"];

    /// <summary>Maps the three routes.</summary>
    public static IEndpointRouteBuilder MapPersonEditsApi(this IEndpointRouteBuilder app)
    {
        var persons = app.MapGroup("/api/persons").WithTags("Persons").RequireAuthorization();
        persons.MapPatch("/{id:guid}", PatchPerson)
            .RequireScope(ApiKeyScopes.Manage)
            .WithName("PatchPerson")
            .WithSummary("Rename, hide or unhide a person, or choose its cover face")
            .WithDescription("JSON {name?, hidden?, coverFaceId?}: members present are applied, each audited; an empty name clears it.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        persons.MapDelete("/{id:guid}", DeletePerson)
            .RequireScope(ApiKeyScopes.Manage)
            .WithName("DeletePerson")
            .WithSummary("Delete a person, keeping its faces unassigned (faces=keep) or erasing them with their emotion rows (faces=delete)")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        app.MapPost("/api/faces/{id:guid}/move", MoveFace).WithTags("Faces").RequireAuthorization()
            .RequireScope(ApiKeyScopes.Manage)
            .WithName("MoveFace")
            .WithSummary("Move a face to another person or to a new one; refused (409) when that person already has a face of the same photo")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .DisableAntiforgery();
        return app;
    }

    /// <summary>200 the updated person; 400 ValidationProblem (no member, name too long, cover not the person's); 404 unknown person.</summary>
    public static async Task<Results<Ok<PersonDto>, ValidationProblem, ProblemHttpResult>> PatchPerson(Guid id, PersonPatchRequest body,
        PersonEditor editor, FaceDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.Name is null && body.Hidden is null && body.CoverFaceId is null)
            errors[""] = ["Send at least one of name, hidden, coverFaceId."];
        if (body.Name is { } n && n.Trim().Length > PersonEditor.MaxNameLength)
            errors["name"] = [$"'name' is longer than {PersonEditor.MaxNameLength} characters."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "Invalid person edit");
        if (!await db.Persons.AnyAsync(p => p.Id == id, cancellationToken))
            return PersonNotFound(id);
        // Checked before any change, so a bad cover leaves the name and flag untouched too.
        if (body.CoverFaceId is { } cover && !await db.Faces.AnyAsync(f => f.Id == cover && f.PersonId == id, cancellationToken))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                { ["coverFaceId"] = [$"Face {cover} is not a face of person {id}."] }, title: "Invalid person edit");
        var actor = ApiScopes.Actor(user);
        try
        {
            if (body.Name is not null)
                await editor.RenameAsync(id, body.Name, actor, cancellationToken);
            if (body.Hidden is { } hidden)
                await editor.SetHiddenAsync(id, hidden, actor, cancellationToken);
            if (body.CoverFaceId is { } face)
                await editor.SetCoverAsync(id, face, actor, cancellationToken);
        }
        catch (KeyNotFoundException e)
        {
            // Deleted or merged away meanwhile, or the cover face moved meanwhile.
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Person not found");
        }
        var person = await db.Persons.AsNoTracking().FirstAsync(p => p.Id == id, cancellationToken);
        return TypedResults.Ok(person.ToDto());
    }

    /// <summary>200 what was deleted; 400 ValidationProblem when <paramref name="faces"/> is missing or not keep/delete; 404 unknown person.</summary>
    /// <param name="id">The person.</param>
    /// <param name="faces">Required: <c>keep</c> (faces stay, unassigned, for manual assignment) or <c>delete</c>.</param>
    /// <param name="editor">Core's editor.</param>
    /// <param name="user">The key.</param>
    /// <param name="cancellationToken">Request abort.</param>
    public static async Task<Results<Ok<PersonDeletedDto>, ValidationProblem, ProblemHttpResult>> DeletePerson(Guid id, string? faces,
        PersonEditor editor, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var choice = faces?.Trim().ToLowerInvariant();
        if (choice is null || !FaceChoices.Contains(choice))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["faces"] = ["'faces' is required: 'keep' (the faces stay, unassigned) or 'delete' (they are erased with their emotion rows)."],
            }, title: "Say what happens to the faces");
        try
        {
            var count = await editor.DeleteAsync(id, keepFaces: choice == "keep", ApiScopes.Actor(user), cancellationToken);
            return TypedResults.Ok(new PersonDeletedDto(id, choice, count));
        }
        catch (KeyNotFoundException)
        {
            return PersonNotFound(id);
        }
    }

    /// <summary>
    /// 200 the face's person now; 400 ValidationProblem unless exactly one of personId / newPerson:true is given; 404 unknown
    /// face or person; 409 ProblemDetails (with <c>sharedFrameIds</c>) when the move would give a person two faces of one photo.
    /// </summary>
    public static async Task<Results<Ok<FaceMovedDto>, ValidationProblem, ProblemHttpResult>> MoveFace(Guid id, FaceMoveRequest body,
        PersonEditor editor, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var toNew = body.NewPerson == true;
        if (toNew == (body.PersonId is not null))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["personId"] = ["Send exactly one of {\"personId\": id} or {\"newPerson\": true}."],
            }, title: "Invalid move");
        try
        {
            var person = await editor.MoveFacesAsync([id], toNew ? null : body.PersonId, ApiScopes.Actor(user), cancellationToken);
            return TypedResults.Ok(new FaceMovedDto(id, person, toNew));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Face or person not found");
        }
        catch (FacesShareFramesException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Two faces of one photo",
                extensions: new Dictionary<string, object?> { ["sharedFrameIds"] = e.SharedFrameIds });
        }
    }

    internal static ProblemHttpResult PersonNotFound(Guid id) =>
        TypedResults.Problem($"No person with id {id}.", statusCode: StatusCodes.Status404NotFound, title: "Person not found");
}
