using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Admin.Pages.Audit;

/// <summary>The audit log: every identity edit and key change with who, when and what, newest first.</summary>
public sealed class IndexModel(FaceDbContext db) : AdminPageModel
{
    /// <summary>Rows per page.</summary>
    public const int PageSize = 100;

    /// <summary>Action prefix filter, e.g. <c>person.</c> or <c>apikey.</c>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    /// <summary>1-based page.</summary>
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>Rows of this page.</summary>
    public IReadOnlyList<AuditLogEntry> Entries { get; private set; } = [];

    /// <summary>Distinct actions, for the filter.</summary>
    public IReadOnlyList<string> Actions { get; private set; } = [];

    /// <summary>Pages.</summary>
    public int Pages { get; private set; } = 1;

    /// <summary>Loads a page.</summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrEmpty(Action))
            query = query.Where(e => e.Action == Action);
        var total = await query.CountAsync(ct);
        Pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        Entries = await query.OrderByDescending(e => e.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        Actions = await db.AuditLog.Select(e => e.Action).Distinct().OrderBy(a => a).ToListAsync(ct);
    }
}
