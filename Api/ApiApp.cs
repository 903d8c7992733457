using FaceAspire.Api.Apis;
using FaceAspire.Api.Extensions;
using Scalar.AspNetCore;

namespace FaceAspire.Api;

/// <summary>
/// Builds the Api web application. Program.cs uses it, and so do the integration tests and the ingest bench,
/// which host the real Api (Kestrel on loopback) in their own process.
/// </summary>
public static class ApiApp
{
    /// <summary>
    /// The configured, not yet started application: service defaults, <see cref="Extensions.Extensions.AddApplicationServices"/>,
    /// then the middleware (exception handler → ProblemDetails, status-code pages, authentication, rate limits
    /// (<see cref="Auth.RateLimits"/>), authorization),
    /// <c>/health</c> and <c>/alive</c>, <c>/openapi/v1.json</c> (and the Scalar reference page at <c>/scalar</c> in
    /// Development) and the <c>/api</c> groups.
    /// </summary>
    /// <param name="args">Command-line arguments (configuration overrides such as <c>--urls</c> or <c>--ConnectionStrings:facedb=…</c>).</param>
    /// <param name="configure">Optional extra configuration of the builder (tests add in-memory settings).</param>
    /// <exception cref="InvalidOperationException">A required connection string is missing.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults();
        builder.AddApplicationServices();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        // After authentication, so a request is counted against its key; before the endpoints.
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapDefaultEndpoints();
        app.MapOpenApi();
        // The interactive API reference reads /openapi/v1.json; a development aid, so not served in production.
        if (app.Environment.IsDevelopment())
            app.MapScalarApiReference();
        app.MapFramesApi();
        app.MapFacesApi();
        app.MapPersonsApi();
        app.MapPersonEditsApi();
        app.MapMergesApi();
        app.MapEmotionsApi();
        app.MapMoodApi();
        app.MapIdentifyApi();
        app.MapJobsApi();
        app.MapThumbnailsApi();
        return app;
    }
}
