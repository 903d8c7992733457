using System.Security.Claims;
using FaceAspire.Core.Data.Entities;
using Microsoft.AspNetCore.Authorization;

namespace FaceAspire.Api.Auth;

/// <summary>
/// One authorization policy per API key scope (<see cref="ApiKeyScopes"/>): a route declares the scope it needs with
/// <see cref="RequireScope{TBuilder}"/>; a key without it gets 403 ProblemDetails naming the scope
/// (<see cref="ScopeForbiddenHandler"/>).
/// </summary>
public static class ApiScopes
{
    /// <summary>Claim type of a scope the presented key holds (one claim per scope).</summary>
    public const string ClaimType = "scope";

    /// <summary>Claim type of the key's human label.</summary>
    public const string KeyNameClaim = "api_key_name";

    /// <summary>The policy name of <paramref name="scope"/>, e.g. <c>scope:manage</c>.</summary>
    public static string Policy(string scope) => "scope:" + scope;

    /// <summary>Registers authorization with a policy per scope: an authenticated key holding that scope claim.</summary>
    public static IServiceCollection AddApiScopes(this IServiceCollection services)
    {
        var authorization = services.AddAuthorizationBuilder();
        foreach (var scope in ApiKeyScopes.All)
            authorization.AddPolicy(Policy(scope), p => p.RequireAuthenticatedUser().RequireClaim(ClaimType, scope));
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ScopeForbiddenHandler>();
        return services;
    }

    /// <summary>Requires an API key holding <paramref name="scope"/> (one of <see cref="ApiKeyScopes.All"/>).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Policy(scope)).WithMetadata(new RequiredScope(scope));

    /// <summary>
    /// Who acted, for <c>audit_log.actor</c> and <c>jobs.requested_by</c>: <c>api-key:</c> + the key's prefix
    /// (the prefix, unlike the label, identifies one key).
    /// </summary>
    public static string Actor(ClaimsPrincipal user) => "api-key:" + (user.Identity?.Name ?? "?");
}

/// <summary>Endpoint metadata: the scope a route needs (read by the OpenAPI transformer).</summary>
/// <param name="Scope">One of <see cref="ApiKeyScopes.All"/>.</param>
public sealed record RequiredScope(string Scope);
