using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Core.Jobs;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Admin.Pages.Jobs;

/// <summary>
/// Maintenance jobs (retention, re-cluster, index rebuild, re-embedding, reprocessing failed frames): start one with a POST, follow its progress.
/// A request goes through <see cref="JobStore.RequestAsync"/> with the outbox, exactly as <c>POST /api/jobs/{kind}</c>
/// does, so the same workers run it; JobStore writes the <c>job.request</c> audit entry. While a job is active the
/// page polls <see cref="OnGetProgressAsync"/> to update its progress without a reload.
/// </summary>
public sealed class IndexModel(FaceDbContext db, JobStore jobs) : AdminPageModel
{
    /// <summary>What each kind does, for the buttons.</summary>
    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
    {
        ["retention"] = "Delete emotion rows and face crops older than the configured retention.",
        ["recluster"] = "Re-cluster stored faces (DBSCAN) and propose merges; nothing is merged without you.",
        ["retry-deferred"] = "Retry faces waiting for evidence: each joins a matching person or forms one with enough close faces (runs by itself after new faces).",
        ["reindex"] = "Rebuild the HNSW index of face embeddings.",
        ["reembed"] = "Recompute embeddings of faces made by another embedding model.",
        ["reprocess"] = "Queue failed frames again (not those whose image cannot be decoded), e.g. after a long database outage.",
        ["reseal"] = "Re-wrap stored images' data keys under the current encryption key and encrypt images stored before encryption.",
    };

    /// <summary>The 50 newest jobs.</summary>
    public IReadOnlyList<Job> Recent { get; private set; } = [];

    /// <summary>Whether any job is queued or running (the page then polls).</summary>
    public bool AnyActive => Recent.Any(j => j.Status is JobStatus.Queued or JobStatus.Running);

    /// <summary>Lists jobs.</summary>
    public async Task OnGetAsync(CancellationToken ct) =>
        Recent = await db.Jobs.AsNoTracking().OrderByDescending(j => j.CreatedAt).Take(50).ToListAsync(ct);

    /// <summary>JSON progress of the listed jobs: id, status, done, total, percent.</summary>
    public async Task<IActionResult> OnGetProgressAsync(CancellationToken ct)
    {
        await OnGetAsync(ct);
        return new JsonResult(Recent.Select(j => new { id = j.Id, status = j.Status, done = j.Done, total = j.Total, percent = Percent(j), error = j.Error }));
    }

    /// <summary>Requests a job of <paramref name="kind"/> (or points at the active one of that kind).</summary>
    public async Task<IActionResult> OnPostRunAsync(string kind, CancellationToken ct)
    {
        if (!JobKinds.IsKnown(kind))
        {
            FlashError = $"Unknown job kind '{kind}'.";
            return RedirectToPage();
        }
        var result = await jobs.RequestAsync(kind, Actor, null, viaOutbox: true, ct);
        Flash = result.Created ? $"{kind} job queued." : $"A {kind} job is already {result.Status}; showing it.";
        return RedirectToPage();
    }

    /// <summary>Progress in percent, or null while the total is unknown.</summary>
    public static double? Percent(Job j) =>
        j.Total is > 0 ? Math.Round(100.0 * j.Done / j.Total.Value, 1) : j.Status == JobStatus.Done ? 100 : null;
}
