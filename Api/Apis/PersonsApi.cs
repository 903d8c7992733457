using FaceAspire.Core.Data.Entities;
using FaceAspire.Api.Auth;
using FaceAspire.Core.Privacy;
using FaceAspire.Api.Audit;
using FaceAspire.ApiClient.Contracts;
using FaceAspire.Api.Queries;
using FaceAspire.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FaceAspire.Api.Apis;

/// <summary><c>/api/persons</c>: identities and their faces.</summary>
public static class PersonsApi
{
    /// <summary>Maps <c>GET /api/persons</c>, <c>GET /api/persons/{id}</c> and <c>POST /api/persons/{id}/forget</c> (API key required).</summary>
    public static IEndpointRouteBuilder MapPersonsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/persons").WithTags("Persons").RequireAuthorization().WithAccessAudit();
        api.MapGet("/", GetPersons)
            .RequireScope(ApiKeyScopes.Read)
            .WithName("GetPersons")
            .WithSummary("Persons, most recently seen first; filters source, emotion (any face), from/to (last seen), includeHidden; paging; CSV")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapGet("/{id:guid}", GetPerson)
            .RequireScope(ApiKeyScopes.Read)
            .WithName("GetPerson")
            .WithSummary("A person with one page of its faces (newest first)")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapPost("/{id:guid}/forget", Forget)
            .RequireScope(ApiKeyScopes.Manage)
            .WithName("ForgetPerson")
            .WithSummary("Erases the person: faces, crops, embeddings, emotion rows, merge records, and the photos in which they are the only face; returns the counts")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static readonly string[] CsvHeader = ["id", "name", "created_at", "cover_face_id", "hidden", "face_count", "last_seen"];

    /// <summary>200 page of persons (JSON or CSV); 400 ValidationProblem for bad filters.</summary>
    public static async Task<Results<Ok<PageDto<PersonDto>>, CsvResult, ValidationProblem>> GetPersons(
        [AsParameters] ListQuery query, string? includeHidden, HttpRequest request, FaceDbContext db, IOptions<ApiOptions> options,
        CancellationToken cancellationToken)
    {
        var csv = CsvResult.Requested(request);
        var valid = query.TryParse(csv ? options.Value.MaxCsvPageSize : options.Value.MaxPageSize, out var filter, out var errors);
        var hidden = false;
        if (!string.IsNullOrEmpty(includeHidden) && !bool.TryParse(includeHidden, out hidden))
            errors["includeHidden"] = ["'includeHidden' must be true or false."];
        if (!valid || errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "Invalid filters");

        var persons = db.Persons.AsNoTracking();
        if (!hidden)
            persons = persons.Where(p => !p.Hidden);
        if (filter.Person is { } id)
            persons = persons.Where(p => p.Id == id);
        if (filter.Source is { } source)
            persons = persons.Where(p => db.Faces.Any(f => f.PersonId == p.Id && f.Source == source));
        if (filter.Emotion is { } emotion)
            persons = persons.Where(p => db.Emotions.Any(e => e.PersonId == p.Id && e.Dominant == emotion));
        if (filter.From is { } from)
            persons = persons.Where(p => p.LastSeen >= from);
        if (filter.To is { } to)
            persons = persons.Where(p => p.LastSeen < to);
        var total = await persons.LongCountAsync(cancellationToken);
        var rows = await persons.OrderByDescending(p => p.LastSeen).ThenBy(p => p.Id).Skip(filter.Skip).Take(filter.PageSize)
            .ToListAsync(cancellationToken);
        var items = rows.Select(DtoMapping.ToDto).ToList();
        AccessAudit.Note(request.HttpContext, new(csv ? "read.persons.csv" : "read.persons", filter.Person?.ToString(), items.Count));
        if (csv)
            return new CsvResult(CsvHeader, items.Select(p => new object?[] { p.Id, p.Name, p.CreatedAt, p.CoverFaceId, p.Hidden, p.FaceCount, p.LastSeen }),
                total, "persons.csv");
        request.HttpContext.Response.Headers["X-Total-Count"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(new PageDto<PersonDto>(filter.Page, filter.PageSize, total, items));
    }

    /// <summary>
    /// 200 with the counts of what was erased (<see cref="PersonForgetter"/>; one <c>person.forget</c> audit row with
    /// the id and counts); 404 ProblemDetails for an unknown id. Not undoable.
    /// </summary>
    public static async Task<Results<Ok<ForgetResult>, ProblemHttpResult>> Forget(Guid id, PersonForgetter forgetter, HttpContext context,
        CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await forgetter.ForgetAsync(id, AccessAudit.Actor(context.User), cancellationToken));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Person not found");
        }
    }

    /// <summary>200 person with a page of faces (filters apply to the faces); 404 ProblemDetails for an unknown id.</summary>
    public static async Task<Results<Ok<PersonDetailDto>, ProblemHttpResult, ValidationProblem>> GetPerson(
        Guid id, [AsParameters] ListQuery query, FaceDbContext db, IOptions<ApiOptions> options, HttpContext context, CancellationToken cancellationToken)
    {
        query.Person = null;
        if (!query.TryParse(options.Value.MaxPageSize, out var filter, out var errors))
            return TypedResults.ValidationProblem(errors, title: "Invalid filters");
        var person = await db.Persons.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (person is null)
            return TypedResults.Problem($"No person with id {id}.", statusCode: StatusCodes.Status404NotFound, title: "Person not found");
        var faces = await FaceQueries.PageAsync(db, FaceQueries.Filter(db, filter with { Person = id }), filter, cancellationToken);
        AccessAudit.Note(context, new("read.person", id.ToString(), faces.Items.Count));
        return TypedResults.Ok(new PersonDetailDto(person.ToDto(), faces));
    }
}
