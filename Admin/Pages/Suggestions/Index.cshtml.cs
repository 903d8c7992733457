using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Core.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Admin.Pages.Suggestions;

/// <summary>A suggestion with both persons loaded, the smaller one first (it is the one merged away).</summary>
public sealed record SuggestionView(Person Small, Person Large, float CentroidSimilarity, float BestFaceSimilarity);

/// <summary>
/// Merge suggestions: pairs of persons whose centroids or closest faces are within the looser threshold
/// (<see cref="MergeSuggestions.DefaultMinSimilarity"/>), side by side, each with "merge" and "not the same person".
/// </summary>
public sealed class IndexModel(FaceDbContext db, MergeSuggestions suggestions, PersonMerger merger) : AdminPageModel
{
    /// <summary>Threshold (cosine similarity) in use; adjustable with <c>?min=</c>.</summary>
    [BindProperty(SupportsGet = true)]
    public float Min { get; set; } = MergeSuggestions.DefaultMinSimilarity;

    /// <summary>Person merged away by the Merge handler.</summary>
    [BindProperty]
    public Guid SourceId { get; set; }

    /// <summary>Person kept by the Merge handler.</summary>
    [BindProperty]
    public Guid TargetId { get; set; }

    /// <summary>The suggestions, most similar first.</summary>
    public IReadOnlyList<SuggestionView> Items { get; private set; } = [];

    /// <summary>Lists suggestions.</summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        Min = Math.Clamp(Min, -1f, 1f);
        var pairs = await suggestions.FindAsync(Min, 50, cancellationToken: ct);
        var ids = pairs.SelectMany(p => new[] { p.PersonA, p.PersonB }).Distinct().ToList();
        var persons = await db.Persons.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        Items = [.. pairs.Where(p => persons.ContainsKey(p.PersonA) && persons.ContainsKey(p.PersonB)).Select(p =>
        {
            var (a, b) = (persons[p.PersonA], persons[p.PersonB]);
            return a.FaceCount <= b.FaceCount
                ? new SuggestionView(a, b, p.CentroidSimilarity, p.BestFaceSimilarity)
                : new SuggestionView(b, a, p.CentroidSimilarity, p.BestFaceSimilarity);
        })];
    }

    /// <summary>Merges the pair (source into target).</summary>
    public async Task<IActionResult> OnPostMergeAsync(CancellationToken ct)
    {
        try
        {
            var id = await merger.MergeAsync(SourceId, TargetId, Actor, ct);
            Flash = $"Merged (merge #{id}); undo it from the kept person's page.";
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException or PersonsShareFramesException)
        {
            FlashError = e.Message;
        }
        return RedirectToPage(new { Min });
    }

    /// <summary>Remembers that the pair is two different people.</summary>
    public async Task<IActionResult> OnPostRejectAsync(CancellationToken ct)
    {
        await suggestions.RejectAsync(SourceId, TargetId, Actor, ct);
        Flash = "Remembered: not the same person.";
        return RedirectToPage(new { Min });
    }
}
