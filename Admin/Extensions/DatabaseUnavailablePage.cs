using System.Net;
using FaceAspire.Core.Data;
using Npgsql;

namespace FaceAspire.Admin.Extensions;

/// <summary>
/// A request that fails because PostgreSQL cannot be reached right now (a restart or failover, or the connection
/// limit: a transient <see cref="NpgsqlException"/> anywhere in the exception's chain, as EF Core wraps some) is
/// answered 503 with <c>Retry-After</c> and a page that says so, in every environment, as the Api answers 503
/// ProblemDetails. Before, the operator saw "Something went wrong" (500) or, in Development, a stack trace. Any other
/// exception goes on to the usual handler. The failed request's transaction was rolled back, so nothing it was to
/// change has changed; the page says that too.
/// </summary>
public static class DatabaseUnavailablePage
{
    /// <summary>Seconds a client is asked to wait before retrying.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>Adds the middleware; place it inside the exception handler, so that it sees the exception first.</summary>
    public static IApplicationBuilder UseDatabaseUnavailablePage(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (DatabaseFailures.IsTransient(e) && !context.Response.HasStarted)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseUnavailablePage))
                .LogWarning("{Method} {Path}: the database is unavailable ({Error})", context.Request.Method, context.Request.Path, e.Message);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers.CacheControl = "no-store";
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(Page(context), context.RequestAborted);
        }
    });

    private static string Page(HttpContext context) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>Database unavailable · FaceAspire admin</title>
            <link rel="stylesheet" href="{WebUtility.HtmlEncode(context.Request.PathBase + "/css/site.css")}" />
        </head>
        <body>
        <main class="content narrow">
            <h1>The database is unavailable</h1>
            <p data-testid="database-unavailable">PostgreSQL cannot be reached right now (usually a restart or failover).
                Nothing this request was to change has changed. Try again in a few seconds.</p>
            <p><a href="{WebUtility.HtmlEncode(context.Request.PathBase + context.Request.Path + context.Request.QueryString)}">Try again</a></p>
            <p>Request id: <code>{WebUtility.HtmlEncode(context.TraceIdentifier)}</code>.</p>
        </main>
        </body>
        </html>
        """;
}
