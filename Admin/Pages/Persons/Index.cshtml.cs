using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FaceAspire.Admin.Pages.Persons;

/// <summary>
/// The persons grid: cover, name, face count, last seen; search by name; visible/hidden/unnamed filters; sorted by last
/// seen or face count; persons with fewer than <see cref="AdminOptions.MinFacesShown"/> faces hidden unless
/// <see cref="Few"/> is set.
/// </summary>
public sealed class IndexModel(FaceDbContext db, IOptions<AdminOptions> options) : AdminPageModel
{
    /// <summary>Cards per page.</summary>
    public const int PageSize = 48;

    /// <summary>Name search (case-insensitive substring).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    /// <summary><c>visible</c> (default), <c>unnamed</c>, <c>hidden</c> or <c>all</c>.</summary>
    [BindProperty(SupportsGet = true)]
    public string Show { get; set; } = "visible";

    /// <summary><c>seen</c> (last seen, newest first; default) or <c>faces</c> (most faces first).</summary>
    [BindProperty(SupportsGet = true)]
    public string Sort { get; set; } = "seen";

    /// <summary>True: also show persons with fewer than <see cref="MinFaces"/> faces.</summary>
    [BindProperty(SupportsGet = true)]
    public bool Few { get; set; }

    /// <summary>The configured minimum face count of a listed person.</summary>
    public int MinFaces => options.Value.MinFacesShown;

    /// <summary>Persons left out for having fewer than <see cref="MinFaces"/> faces.</summary>
    public int FewHidden { get; private set; }

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
            var pattern = Services.NameSearch.Contains(Q);
            query = query.Where(p => p.Name != null && EF.Functions.ILike(p.Name, pattern));
        }
        if (!Few)
        {
            var min = MinFaces;
            FewHidden = await query.CountAsync(p => p.FaceCount < min, ct);
            query = query.Where(p => p.FaceCount >= min);
        }
        Total = await query.CountAsync(ct);
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        var ordered = Sort == "faces"
            ? query.OrderByDescending(p => p.FaceCount).ThenByDescending(p => p.LastSeen)
            : query.OrderByDescending(p => p.LastSeen);
        Persons = await ordered.ThenBy(p => p.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(ct);
    }
}
