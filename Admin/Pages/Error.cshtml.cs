using System.Diagnostics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceAspire.Admin.Pages;

/// <summary>The error page of the exception handler (production only).</summary>
[AllowAnonymous]
public sealed class ErrorModel : PageModel
{
    /// <summary>Trace id of the failed request.</summary>
    public string? RequestId { get; private set; }

    /// <summary>Shows the page.</summary>
    public void OnGet() => RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
}
