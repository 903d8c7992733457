using FaceAspire.Admin.Services;
using Microsoft.AspNetCore.Mvc;

namespace FaceAspire.Admin.Pages.Dashboard;

/// <summary>
/// The live dashboard. The page is a shell; wwwroot/js/dashboard.js polls <c>?handler=Stats</c> (JSON
/// <see cref="DashboardSnapshot"/>) every two seconds and updates the figures and charts in place.
/// </summary>
public sealed class IndexModel(DashboardStats stats) : AdminPageModel
{
    /// <summary>Shows the shell.</summary>
    public void OnGet()
    {
    }

    /// <summary>The current snapshot as JSON (read-only, so GET).</summary>
    public async Task<IActionResult> OnGetStatsAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        return new JsonResult(await stats.GetAsync(ct));
    }
}
