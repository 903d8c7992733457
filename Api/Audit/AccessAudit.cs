using System.Security.Claims;
using FaceAspire.Core.Data;
using Npgsql;

namespace FaceAspire.Api.Audit;

/// <summary>What a read handler served, for its <c>audit_log</c> row (see <see cref="AccessAudit"/>).</summary>
/// <param name="Action">A <c>read.</c> action (<see cref="AuditLog.ReadPrefix"/>), e.g. <c>read.person</c>, <c>read.emotions.csv</c>.</param>
/// <param name="Subject">The person read (id), or the frame for a photo; null for a list not filtered by person.</param>
/// <param name="Rows">Rows (persons, faces, emotion rows) or images served.</param>
/// <param name="Details">Extra ids (face, frame), or null.</param>
public sealed record AccessNote(string Action, string? Subject, long Rows, object? Details = null);

/// <summary>
/// Access audit of the read routes (persons, faces, crops, emotion log, thumbnails, CSV exports): the handler says
/// what it served with <see cref="Note"/>, and the endpoint filter appends ONE <c>audit_log</c> row per request after
/// the handler ran (actor <c>api-key:&lt;prefix&gt;</c>, the action, the person as subject, the route, query and
/// row count as details); never a row per item served. The row is written before the response is sent: if it
/// cannot be written, the request fails (500) rather than serving personal data unaudited. Requests that served
/// nothing (400, 404) write no row.
/// </summary>
public static class AccessAudit
{
    private const string ItemKey = "faceaspire.access-audit";

    /// <summary>Records what this request served; the last call wins. Call only on success.</summary>
    public static void Note(HttpContext context, AccessNote note) => context.Items[ItemKey] = note;

    /// <summary>The actor name of an API caller, <c>api-key:&lt;prefix&gt;</c> (as job requests and enrolments write it).</summary>
    public static string Actor(ClaimsPrincipal user) => "api-key:" + (user.Identity?.Name ?? "?");

    /// <summary>Adds the audit filter to every endpoint of <paramref name="builder"/>.</summary>
    public static TBuilder WithAccessAudit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var http = context.HttpContext;
            if (http.Items[ItemKey] is AccessNote note)
            {
                var dataSource = http.RequestServices.GetRequiredService<NpgsqlDataSource>();
                await using var connection = await dataSource.OpenConnectionAsync(http.RequestAborted);
                var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value;
                await AuditLog.AppendAsync(Actor(http.User), note.Action, note.Subject,
                    new { route = $"{http.Request.Method} {route}", query = http.Request.QueryString.Value, rows = note.Rows, ids = note.Details },
                    connection, null, http.RequestAborted);
            }
            return result;
        });
}
