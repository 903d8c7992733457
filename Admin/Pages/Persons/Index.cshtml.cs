using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Admin.Pages.Persons;

/// <summary>The persons grid: cover, name, face count, last seen; search by name; visible/hidden/unnamed filters.</summary>
public sealed class IndexModel(FaceDbContext db) : AdminPageModel
{
    /// <summary>Cards per page.</summary>
    public const int PageSize = 48;

    /// <summary>Name search (case-insensitive substring).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    /// <summary><c>visible</c> (default), <c>unnamed</c>, <c>hidden</c> or <c>all</c>.</summary>
    [BindProperty(SupportsGet = true)]
    public string Show { get; set; } = "visible";

    /// <summary>1-based page.</summary>
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>The persons on this page.</summary>
    public IReadOnlyList<Person> Persons { get; private set; } = [];

    /// <summary>Persons matching the filters.</summary>
    public int Total { get; private set; }

    /// <summary>Number of pages.</summary>
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    /// <summary>Loads the page.</summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = db.Persons.AsNoTracking();
        query = Show switch
        {
            "hidden" => query.Where(p => p.Hidden),
            "unnamed" => query.Where(p => !p.Hidden && p.Name == null),
            "all" => query,
            _ => query.Where(p => !p.Hidden),
        };
        if (!string.IsNullOrWhiteSpace(Q))
        {
            // ILIKE with the user's text as a literal (escape the pattern characters).
            var pattern = "%" + Q.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            query = query.Where(p => p.Name != null && EF.Functions.ILike(p.Name, pattern));
        }
        Total = await query.CountAsync(ct);
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        Persons = await query.OrderByDescending(p => p.LastSeen).ThenBy(p => p.Id)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(ct);
    }
}
