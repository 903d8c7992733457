namespace FaceAspire.Admin.Extensions;

/// <summary>
/// Response headers that keep the admin's pages from being framed, sniffed or fed foreign script (OWASP Secure Headers):
/// a Content-Security-Policy that allows scripts, styles and connections only from the admin itself (no inline script:
/// every script is a file under wwwroot/js), <c>frame-ancestors 'none'</c>, <c>nosniff</c>, a same-origin referrer, and
/// the camera for the webcam page only from this origin.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>The policy. <c>blob:</c>/<c>data:</c> images: the webcam page draws frames and crops client-side.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Adds the headers to every response (pages, static files, errors).</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        await next();
    });
}
