using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FaceAspire.Api.Auth;

/// <summary>
/// Authentication scheme <see cref="SchemeName"/>: the <c>X-Api-Key</c> header must hold a valid, non-revoked
/// key (<see cref="ApiKeyValidator"/>); the ticket carries the key's scopes as <see cref="ApiScopes.ClaimType"/> claims.
/// A failed challenge answers 401 with a ProblemDetails body; a missing scope is answered by <see cref="ScopeForbiddenHandler"/>.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyValidator validator,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name, also the default scheme of the Api.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The request header carrying the key.</summary>
    public const string HeaderName = "X-Api-Key";

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
            return AuthenticateResult.NoResult();
        if (values.Count > 1)
            return AuthenticateResult.Fail("More than one X-Api-Key header.");
        var key = await validator.ValidateAsync(values[0]!, Context.RequestAborted);
        if (key is not { } k)
            return AuthenticateResult.Fail("Unknown, revoked or expired API key.");
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, k.Id.ToString()), new Claim(ClaimTypes.Name, k.Prefix),
             new Claim(ApiScopes.KeyNameClaim, k.Name), .. k.Scopes.Select(s => new Claim(ApiScopes.ClaimType, s))], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        var present = Request.Headers.ContainsKey(HeaderName);
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "API key required",
                Detail = present
                    ? $"The {HeaderName} header does not hold a valid API key (unknown, revoked or expired)."
                    : $"Send a valid API key in the {HeaderName} header.",
            },
        });
    }
}
