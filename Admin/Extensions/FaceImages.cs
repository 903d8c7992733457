using FaceAspire.Core.Security;
using Npgsql;

namespace FaceAspire.Admin.Extensions;

/// <summary>Serves stored face crops to signed-in operators.</summary>
public static class FaceImages
{
    /// <summary>
    /// <c>GET /faces/{id}/crop</c>: the face's JPEG crop (<c>faces.crop</c>), 404 when the face or crop is missing.
    /// Crops never change, so the browser may keep them (private cache, one day).
    /// </summary>
    public static IEndpointRouteBuilder MapFaceImages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/faces/{id:guid}/crop", GetCropAsync).RequireAuthorization().WithName("FaceCrop");
        return app;
    }

    private static async Task<IResult> GetCropAsync(Guid id, NpgsqlDataSource dataSource, ImageSealer sealer, HttpContext context, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT crop FROM faces WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        if (await command.ExecuteScalarAsync(ct) is not byte[] crop)
            return TypedResults.NotFound();
        context.Response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.File(sealer.Open(crop, SealedColumns.FaceCrop), "image/jpeg");
    }
}
