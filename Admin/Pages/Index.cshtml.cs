using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceAspire.Admin.Pages;

/// <summary>The root sends operators to the dashboard.</summary>
public sealed class IndexModel : PageModel
{
    /// <summary>Redirects to the dashboard.</summary>
    public IActionResult OnGet() => RedirectToPage("/Dashboard/Index");
}
