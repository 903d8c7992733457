using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Admin.Pages.Audit;

/// <summary>
/// The audit log, newest first: every identity edit and key change, and every read of a person, their faces, their
/// emotion log or an export (actions <c>read.…</c>), with who, when and what. Filters: action, kind (read or edit),
/// person (the subject) and actor (exact), each served by an index.
/// </summary>
public sealed class IndexModel(FaceDbContext db) : AdminPageModel
{
    /// <summary>Rows per page.</summary>
    public const int PageSize = 100;

    /// <summary>Action prefix filter, e.g. <c>person.</c> or <c>apikey.</c>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    /// <summary>Kind filter: <c>read</c> (actions starting <c>read.</c>) or <c>edit</c> (all others); empty = both.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    /// <summary>Person filter: entries whose subject is this person id.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? Person { get; set; }

    /// <summary>Actor filter (exact), e.g. an operator name or <c>api-key:fa_abc123</c>.</summary>
    [BindProperty(SupportsGet = true, Name = "actor")]
    public string? ActorFilter { get; set; }

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
        if (Kind == "read")
            query = query.Where(e => e.Action.StartsWith(AuditLog.ReadPrefix));
        else if (Kind == "edit")
            query = query.Where(e => !e.Action.StartsWith(AuditLog.ReadPrefix));
        if (Person is { } person)
            query = query.Where(e => e.Subject == person.ToString());
        if (!string.IsNullOrWhiteSpace(ActorFilter))
            query = query.Where(e => e.Actor == ActorFilter.Trim());
        var total = await query.CountAsync(ct);
        Pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        Entries = await query.OrderByDescending(e => e.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        Actions = await db.AuditLog.Select(e => e.Action).Distinct().OrderBy(a => a).ToListAsync(ct);
    }
}
