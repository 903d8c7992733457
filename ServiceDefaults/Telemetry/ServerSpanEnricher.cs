using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FaceAspire.ServiceDefaults.Telemetry;

/// <summary>
/// What OpenTelemetry.Instrumentation.AspNetCore (not in this registry) adds to ASP.NET Core's native server span,
/// which carries no tags and is named "Microsoft.AspNetCore.Hosting.HttpRequestIn": the HTTP semantic-convention
/// attributes (http.request.method, url.scheme, url.path, http.route, http.response.status_code), the name
/// "{method} {route}", error status for 5xx and exceptions — and health probes (/health, /alive) left unrecorded
/// so the AppHost's polling does not flood the trace view. Runs as the first middleware of every web service.
/// </summary>
internal sealed class ServerSpanEnricher : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(EnrichAsync);
        next(app);
    };

    private static async Task EnrichAsync(HttpContext context, Func<Task> next)
    {
        var activity = Activity.Current;
        if (activity?.Source.Name != "Microsoft.AspNetCore")
        {
            await next();
            return;
        }
        var request = context.Request;
        if (request.Path.Equals(Extensions.HealthPath) || request.Path.Equals(Extensions.AlivePath))
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded; // the SDK's export processor skips it
        activity.SetTag("http.request.method", request.Method);
        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", request.Path.Value);
        try
        {
            await next();
        }
        catch (Exception ex)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.GetType().FullName);
            activity.SetTag("error.type", ex.GetType().FullName);
            throw;
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            if (route is not null)
                activity.SetTag("http.route", route);
            activity.DisplayName = route is null ? request.Method : $"{request.Method} {route}";
            activity.SetTag("http.response.status_code", context.Response.StatusCode);
            if (context.Response.StatusCode >= 500)
                activity.SetStatus(ActivityStatusCode.Error);
        }
    }
}
