using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Jobs;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Admin.Pages.Frames;

/// <summary>
/// Frames by status, and the failed ones with their reasons, newest first. A failure about the image itself
/// (undecodable, bytes missing: <see cref="FrameFailures.IsAboutTheImage"/>) would happen again; the others ran out of
/// retries (a long database outage, for instance) and the button queues them again through the <c>reprocess</c> job,
/// as the Jobs page does.
/// </summary>
public sealed class IndexModel(FaceDbContext db, JobStore jobs) : AdminPageModel
{
    /// <summary>Failed frames per page.</summary>
    public const int PageSize = 50;

    /// <summary>1-based page of the failed list.</summary>
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>Frames per status, every status present (0 when none).</summary>
    public IReadOnlyDictionary<string, int> Counts { get; private set; } = new Dictionary<string, int>();

    /// <summary>Failed frames whose failure was not about the image: what <c>reprocess</c> would queue again.</summary>
    public int Retryable { get; private set; }

    /// <summary>This page of failed frames.</summary>
    public IReadOnlyList<FailedFrame> Failed { get; private set; } = [];

    /// <summary>Pages of failed frames.</summary>
    public int Pages { get; private set; } = 1;

    /// <summary>One failed frame as listed.</summary>
    public sealed record FailedFrame(Guid Id, string? Source, DateTimeOffset ReceivedAt, int Attempts, string? Error)
    {
        /// <summary>True when processing it again would fail again.</summary>
        public bool AboutTheImage => FrameFailures.IsAboutTheImage(Error);
    }

    /// <summary>Loads the counts and a page of failed frames.</summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        var counts = await db.Frames.GroupBy(f => f.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        Counts = FrameStatus.All.ToDictionary(s => s, s => counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0);
        var failed = db.Frames.AsNoTracking().Where(f => f.Status == FrameStatus.Failed);
        Retryable = await failed.CountAsync(FrameFailures.FrameIsNotAboutTheImage, ct);
        Pages = Math.Max(1, (Counts[FrameStatus.Failed] + PageSize - 1) / PageSize);
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        Failed = await failed.OrderByDescending(f => f.ReceivedAt).ThenBy(f => f.Id)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize)
            .Select(f => new FailedFrame(f.Id, f.Source, f.ReceivedAt, f.Attempts, f.Error)).ToListAsync(ct);
    }

    /// <summary>Requests the <c>reprocess</c> job (audited by <see cref="JobStore"/>) and shows it on the Jobs page.</summary>
    public async Task<IActionResult> OnPostReprocessAsync(CancellationToken ct)
    {
        var result = await jobs.RequestAsync(JobKinds.Reprocess, Actor, null, viaOutbox: true, ct);
        Flash = result.Created ? "reprocess job queued." : $"A reprocess job is already {result.Status}; showing it.";
        return RedirectToPage("/Jobs/Index");
    }
}
