using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;

namespace FaceAspire.Api.Auth;

/// <summary>
/// Turns an authorization failure of a valid key into 403 ProblemDetails that names the missing scope (extension
/// <c>requiredScope</c>), so a client can tell "wrong key" (401) from "right key, wrong rights" (403). Everything else
/// goes to the default handler.
/// </summary>
internal sealed class ScopeForbiddenHandler(IProblemDetailsService problemDetails) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Forbidden && context.User.Identity?.IsAuthenticated == true)
        {
            var missing = result.AuthorizationFailure?.FailedRequirements.OfType<ClaimsAuthorizationRequirement>()
                .Where(r => r.ClaimType == ApiScopes.ClaimType).SelectMany(r => r.AllowedValues ?? []).ToList() ?? [];
            if (missing.Count > 0)
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await problemDetails.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status403Forbidden,
                        Title = "API key scope missing",
                        Detail = $"This API key lacks the '{string.Join("', '", missing)}' scope this route needs; " +
                                 "create a key with it in the admin's API keys page.",
                        Extensions = { ["requiredScope"] = missing[0] },
                    },
                });
                return;
            }
        }
        await _default.HandleAsync(next, context, policy, result);
    }
}
