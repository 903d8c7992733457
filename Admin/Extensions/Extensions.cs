using FaceAspire.ApiClient;
using FaceAspire.Admin.Services;
using FaceAspire.Core.Data;
using FaceAspire.Core.Identity;
using FaceAspire.Core.Messaging;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace FaceAspire.Admin.Extensions;

/// <summary>Service registrations and the request pipeline of the admin.</summary>
public static class Extensions
{
    /// <summary>
    /// Registers options (section <c>Admin</c>, validated at start), the database (<c>ConnectionStrings:facedb</c>,
    /// required), Core's identity editors, cookie authentication with every page outside <c>/Account</c> requiring a
    /// signed-in operator, Razor Pages, the HTTP clients for the Api and RabbitMQ's management API, and a send-only
    /// MassTransit bus (<c>ConnectionStrings:messaging</c>) with this process's outbox relay: the job requests the
    /// admin writes to the outbox leave from here, whether or not the Api runs (ADR 0024).
    /// </summary>
    /// <exception cref="InvalidOperationException">No <c>ConnectionStrings:facedb</c> or <c>ConnectionStrings:messaging</c>.</exception>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var connectionString = builder.Configuration.GetConnectionString("facedb")
            ?? throw new InvalidOperationException("ConnectionStrings:facedb is not configured.");
        services.AddFaceDb(connectionString);
        services.AddSingleton<PersonEditor>();
        services.AddSingleton<PersonMerger>();
        services.AddSingleton<MergeSuggestions>();
        services.AddSingleton<AdminAccounts>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<AuditWriter>();
        services.AddSingleton<Core.Jobs.JobStore>();
        builder.AddMessaging();
        services.AddScoped<EmotionQueries>();
        services.AddScoped<DashboardStats>();
        services.AddSingleton(TimeProvider.System);

        services.AddHttpClient<QueueMonitor>(c => c.Timeout = TimeSpan.FromSeconds(3));
        // The Api by name: service discovery resolves http://api from services:api:http:0 (the AppHost's reference).
        services.AddFaceAspireApiClient(o =>
        {
            o.BaseAddress ??= new Uri("http://api");
            o.ApiKey ??= builder.Configuration["Admin:ApiKey"];
        });

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/Account/Login";
                o.LogoutPath = "/Account/Logout";
                o.Cookie.Name = "faceaspire.admin";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                // Secure whenever the admin is reached over HTTPS (behind a TLS proxy, forward the scheme).
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
            });
        // Per page folder rather than a fallback policy: the fallback would also lock /health and /alive
        // (ServiceDefaults), which the orchestrator probes without a cookie.
        services.AddAuthorization();
        services.AddRazorPages(o => o.Conventions.AuthorizeFolder("/").AllowAnonymousToFolder("/Account"));
        return builder;
    }

    /// <summary>The security headers (<see cref="SecurityHeaders"/>), the error handler (production), the
    /// database-unavailable page, static files (public), then authentication and authorization, then the pages.</summary>
    public static WebApplication UseAdminPipeline(this WebApplication app)
    {
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
            app.UseExceptionHandler("/Error");
        app.UseDatabaseUnavailablePage();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Razor Pages plus the face-crop image endpoint <c>GET /faces/{id}/crop</c>.</summary>
    public static WebApplication MapAdminEndpoints(this WebApplication app)
    {
        app.MapRazorPages();
        app.MapFaceImages();
        return app;
    }
}
