using FaceAspire.Api.Auth;
using FaceAspire.Api.Ingest;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Messaging;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FaceAspire.Api.Extensions;

/// <summary>Service registrations of the Api host (eShop's <c>AddApplicationServices</c> shape).</summary>
public static class Extensions
{
    /// <summary>
    /// Registers options (<see cref="ApiOptions"/>, validated at start), the request limits derived from
    /// <see cref="ApiOptions.MaxRequestBytes"/> (Kestrel and multipart), ProblemDetails and the exception mapping,
    /// OpenAPI, API-key authentication, the database (<c>ConnectionStrings:facedb</c>, app role), MassTransit over
    /// RabbitMQ (<c>ConnectionStrings:messaging</c>) with the Worker's request clients, this process's outbox relay
    /// (ADR 0024), and the "ready" health checks of both.
    /// </summary>
    /// <exception cref="InvalidOperationException">A connection string is missing.</exception>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var apiOptions = builder.Configuration.GetSection(ApiOptions.SectionName).Get<ApiOptions>() ?? new ApiOptions();
        services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = apiOptions.MaxRequestBytes);
        services.Configure<FormOptions>(f =>
        {
            f.MultipartBodyLengthLimit = apiOptions.MaxRequestBytes;
            f.ValueLengthLimit = 64 * 1024;
            f.ValueCountLimit = apiOptions.MaxFilesPerRequest + 64;
        });

        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddOpenApi(o =>
        {
            o.AddOperationTransformer<OpenApi.EndpointText>();
            o.AddDocumentTransformer<OpenApi.ApiKeySecurity>();
            o.AddOperationTransformer<OpenApi.ApiKeySecurity>();
            o.AddOperationTransformer<OpenApi.BinaryResponses>();
        });
        services.AddSingleton(TimeProvider.System);

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddApiScopes();
        services.AddApiRateLimits(builder.Configuration);
        services.AddSingleton<ApiKeyValidator>();
        services.AddHostedService<ApiKeyBootstrapper>();

        var facedb = builder.Configuration.GetConnectionString("facedb")
            ?? throw new InvalidOperationException("ConnectionStrings:facedb (the app role's Npgsql connection string) is not configured.");
        services.AddFaceDb(facedb);
        services.AddSingleton<FrameValidator>();
        services.AddSingleton<IngestService>();
        services.AddSingleton<IngestGroupCommit>();
        services.AddHostedService(sp => sp.GetRequiredService<IngestGroupCommit>());
        services.AddSingleton<Apis.ThumbnailGate>();
        // Issue 6: mood/identify/enrolment over request/response, maintenance jobs.
        services.AddOptions<Mood.MoodOptions>().BindConfiguration(Mood.MoodOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<Mood.MoodService>();
        services.AddSingleton<Core.Jobs.JobStore>();
        // Identity edits of the persons API: the admin's editors, so both audit and lock alike.
        services.AddSingleton<Core.Identity.PersonEditor>();
        services.AddSingleton<Core.Identity.PersonMerger>();

        builder.AddMessaging(x =>
        {
            // Request clients of the Worker's request/response consumers.
            x.AddRequestClient<AnalyzeMood>(MessagingNames.Queue(MessagingNames.AnalyzeMoodQueue));
            x.AddRequestClient<IdentifyFaces>(MessagingNames.Queue(MessagingNames.IdentifyFacesQueue));
            x.AddRequestClient<EnrolPerson>(MessagingNames.Queue(MessagingNames.EnrolPersonQueue));
            x.AddRequestClient<MakeThumbnail>(MessagingNames.Queue(MessagingNames.MakeThumbnailQueue));
        });
        services.AddHealthChecks().AddCheck<FaceDbHealthCheck>(FaceDbHealthCheck.Name, tags: ["ready"]);
        return builder;
    }
}
