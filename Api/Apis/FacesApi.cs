using FaceAspire.Core.Data.Entities;
using FaceAspire.Api.Auth;
using FaceAspire.Api.Audit;
using FaceAspire.Core.Security;
using FaceAspire.ApiClient.Contracts;
using FaceAspire.Api.Queries;
using FaceAspire.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FaceAspire.Api.Apis;

/// <summary><c>/api/faces</c>: the face list and face crops.</summary>
public static class FacesApi
{
    /// <summary>Maps <c>GET /api/faces</c> and <c>GET /api/faces/{id}/crop</c> (API key required).</summary>
    public static IEndpointRouteBuilder MapFacesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/faces").WithTags("Faces").RequireAuthorization().WithAccessAudit();
        api.MapGet("/", GetFaces)
            .RequireScope(ApiKeyScopes.Read)
            .WithName("GetFaces")
            .WithSummary("Faces, newest first; filters person, source, emotion, from, to; paging; CSV with Accept: text/csv")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapGet("/{id:guid}/crop", GetFaceCrop)
            .RequireScope(ApiKeyScopes.Read)
            .WithName("GetFaceCrop")
            .WithSummary("The face's JPEG crop")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    /// <summary>200 page of faces (JSON or CSV); 400 ValidationProblem for bad filters.</summary>
    public static async Task<Results<Ok<PageDto<FaceDto>>, CsvResult, ValidationProblem>> GetFaces(
        [AsParameters] ListQuery query, HttpRequest request, FaceDbContext db, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var csv = CsvResult.Requested(request);
        if (!query.TryParse(csv ? options.Value.MaxCsvPageSize : options.Value.MaxPageSize, out var filter, out var errors))
            return TypedResults.ValidationProblem(errors, title: "Invalid filters");
        var page = await FaceQueries.PageAsync(db, FaceQueries.Filter(db, filter), filter, cancellationToken);
        AccessAudit.Note(request.HttpContext, new(csv ? "read.faces.csv" : "read.faces", filter.Person?.ToString(), page.Items.Count));
        if (csv)
            return new CsvResult(FaceQueries.CsvHeader, page.Items.Select(FaceQueries.CsvRow), page.Total, "faces.csv");
        request.HttpContext.Response.Headers["X-Total-Count"] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(page);
    }

    /// <summary>200 image/jpeg; 404 ProblemDetails when the face is unknown or has no crop.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetFaceCrop(Guid id, FaceDbContext db, ImageSealer sealer, HttpContext context, CancellationToken cancellationToken)
    {
        var face = await db.Faces.AsNoTracking().Where(f => f.Id == id).Select(f => new { f.Crop, f.PersonId, f.FrameId }).FirstOrDefaultAsync(cancellationToken);
        if (face is null)
            return TypedResults.Problem($"No face with id {id}.", statusCode: StatusCodes.Status404NotFound, title: "Face not found");
        if (face.Crop is not { Length: > 0 } crop)
            return TypedResults.Problem($"Face {id} has no stored crop.", statusCode: StatusCodes.Status404NotFound, title: "Crop not found");
        AccessAudit.Note(context, new("read.face.crop", face.PersonId?.ToString(), 1, new { face = id, frame = face.FrameId }));
        return TypedResults.File(sealer.Open(crop, SealedColumns.FaceCrop), "image/jpeg");
    }
}
