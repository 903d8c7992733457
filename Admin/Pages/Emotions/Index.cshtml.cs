using FaceAspire.Admin.Pages.Persons;
using FaceAspire.Admin.Services;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Admin.Pages.Emotions;

/// <summary>
/// The emotion log explorer: filters (person, source, emotion, time range, all in the query string so a view can
/// be bookmarked), a paged table, CSV export of exactly the filtered rows, and the chart data (distribution,
/// emotions over time, the selected person's profile) embedded as JSON for wwwroot/js/emotions.js.
/// </summary>
public sealed class IndexModel(EmotionQueries queries, FaceDbContext db, AuditWriter audit) : AdminPageModel
{
    /// <summary>Rows per page.</summary>
    public const int PageSize = 50;

    /// <summary>Person filter.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? Person { get; set; }

    /// <summary>Source filter.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Source { get; set; }

    /// <summary>Dominant-emotion filter.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Emotion { get; set; }

    /// <summary>From (UTC, inclusive).</summary>
    [BindProperty(SupportsGet = true)]
    public DateTime? From { get; set; }

    /// <summary>To (UTC, exclusive).</summary>
    [BindProperty(SupportsGet = true)]
    public DateTime? To { get; set; }

    /// <summary>1-based page.</summary>
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>Rows of this page.</summary>
    public IReadOnlyList<EmotionRow> Rows { get; private set; } = [];

    /// <summary>Rows matching.</summary>
    public long Total { get; private set; }

    /// <summary>Pages.</summary>
    public int Pages => (int)Math.Max(1, (Total + PageSize - 1) / PageSize);

    /// <summary>Persons for the filter list.</summary>
    public IReadOnlyList<PersonChoice> PersonChoices { get; private set; } = [];

    /// <summary>Sources for the filter list.</summary>
    public IReadOnlyList<string> Sources { get; private set; } = [];

    /// <summary>Chart data (labels, distribution, timeline, profile) for the page script.</summary>
    public object Charts { get; private set; } = new();

    private EmotionFilter Filter => new(Person, string.IsNullOrEmpty(Source) ? null : Source,
        EmotionLabels.IndexOf(Emotion ?? "") >= 0 ? Emotion : null, From, To);

    /// <summary>Loads the table and chart data, and audits the read (<c>read.emotions</c>, one row per view).</summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        var filter = Filter;
        Total = await queries.CountAsync(filter, ct);
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        Rows = await queries.PageAsync(filter, PageNumber - 1, PageSize, ct);
        await audit.WriteAsync(Actor, "read.emotions", Person?.ToString(), new { page = "/Emotions", query = Request.QueryString.Value, rows = Rows.Count }, ct);
        var (unit, buckets) = await queries.TimelineAsync(filter, ct);
        Charts = new
        {
            labels = EmotionLabels.All,
            distribution = await queries.DistributionAsync(filter, ct),
            timeline = new { unit, buckets = buckets.Select(b => new { t = b.Start, counts = b.Counts }) },
            profile = Person is null ? null : await queries.ProfileAsync(filter, ct),
        };
        PersonChoices = await db.Persons.AsNoTracking()
            .OrderBy(p => p.Name == null).ThenBy(p => p.Name).ThenByDescending(p => p.FaceCount).Take(500)
            .Select(p => new PersonChoice(p.Id, (p.Name ?? "Unnamed " + p.Id.ToString().Substring(0, 8)) + " (" + p.FaceCount + ")"))
            .ToListAsync(ct);
        Sources = await queries.SourcesAsync(ct);
    }

    /// <summary>
    /// CSV of every row matching the filters (not just this page), newest first like the table. Audited
    /// (<c>read.emotions.csv</c> with the row count) before the first byte leaves: an export that cannot be audited
    /// is not sent.
    /// </summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        var rows = await queries.CountAsync(Filter, ct);
        await audit.WriteAsync(Actor, "read.emotions.csv", Person?.ToString(), new { page = "/Emotions?handler=Csv", query = Request.QueryString.Value, rows }, ct);
        // Streamed row by row (the export may be large); EmptyResult stops Razor from rendering the page after it.
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"emotions-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv\"";
        await queries.WriteCsvAsync(Filter, Response.Body, ct);
        return new EmptyResult();
    }
}
