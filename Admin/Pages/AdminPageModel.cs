using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceAspire.Admin.Pages;

/// <summary>Base of the admin's pages: the signed-in operator's name and the flash messages of post/redirect/get.</summary>
public abstract class AdminPageModel : PageModel
{
    /// <summary>Success message shown once after a redirect.</summary>
    [TempData]
    public string? Flash { get; set; }

    /// <summary>Error message shown once after a redirect.</summary>
    [TempData]
    public string? FlashError { get; set; }

    /// <summary>The operator, as written to <c>audit_log.actor</c>.</summary>
    protected string Actor => User.Identity?.Name ?? "unknown";
}
