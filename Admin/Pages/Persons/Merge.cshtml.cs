using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Core.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Admin.Pages.Persons;

/// <summary>
/// Merge preview and confirmation: both persons side by side with samples of their faces and the combined
/// count; confirming merges the source into the target (recorded for undo) and shows the target.
/// </summary>
public sealed class MergeModel(FaceDbContext db, PersonMerger merger) : AdminPageModel
{
    /// <summary>Faces shown per person in the preview.</summary>
    public const int Sample = 12;

    /// <summary>The person merged away.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid SourceId { get; set; }

    /// <summary>The person that receives the faces.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid TargetId { get; set; }

    /// <summary>Source person.</summary>
    public Person Source { get; private set; } = null!;

    /// <summary>Target person.</summary>
    public Person Target { get; private set; } = null!;

    /// <summary>Sample face ids of the source (those with crops).</summary>
    public IReadOnlyList<Guid> SourceFaces { get; private set; } = [];

    /// <summary>Sample face ids of the target.</summary>
    public IReadOnlyList<Guid> TargetFaces { get; private set; } = [];

    /// <summary>Name the merged person will have.</summary>
    public string? ResultName => Target.Name ?? Source.Name;

    /// <summary>Shows the preview.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (SourceId == TargetId)
        {
            FlashError = "Choose another person to merge with.";
            return RedirectToPage("Details", new { id = SourceId });
        }
        var persons = await db.Persons.AsNoTracking().Where(p => p.Id == SourceId || p.Id == TargetId).ToListAsync(ct);
        if (persons.Count != 2)
            return NotFound();
        Source = persons.Single(p => p.Id == SourceId);
        Target = persons.Single(p => p.Id == TargetId);
        SourceFaces = await SampleAsync(SourceId, ct);
        TargetFaces = await SampleAsync(TargetId, ct);
        return Page();
    }

    /// <summary>Merges and shows the target.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            var mergeId = await merger.MergeAsync(SourceId, TargetId, Actor, ct);
            Flash = $"Merged (merge #{mergeId}). Undo it from the list below if it was a mistake.";
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException or PersonsShareFramesException)
        {
            FlashError = e.Message;
        }
        return RedirectToPage("Details", new { id = TargetId });
    }

    private Task<List<Guid>> SampleAsync(Guid person, CancellationToken ct) =>
        db.Faces.AsNoTracking().Where(f => f.PersonId == person && f.Crop != null)
            .OrderByDescending(f => f.Quality).Take(Sample).Select(f => f.Id).ToListAsync(ct);
}
