using System.ComponentModel.DataAnnotations;
using FaceAspire.Admin.Services;
using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Core.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Admin.Pages.Persons;

/// <summary>One face as the person page lists it.</summary>
public sealed record FaceRow(Guid Id, DateTimeOffset CapturedAt, string? Source, float Quality, bool HasCrop, string? Emotion, float? Confidence);

/// <summary>A person to choose as a move or merge target.</summary>
public sealed record PersonChoice(Guid Id, string Label);

/// <summary>A merge target card: cover crop, name (or how to recognise an unnamed one), face count, last seen.</summary>
public sealed record PersonCard(Guid Id, string? Name, Guid? CoverFaceId, int FaceCount, DateTimeOffset? LastSeen);

/// <summary>
/// A person: faces (paged, with crop, source, time, emotion), rename, hide/unhide, cover, move selected faces to
/// another or a new person, unassign, delete, merge (via the preview page) and undo of merges into it.
/// Every change is a POST handler followed by a redirect (post/redirect/get).
/// </summary>
public sealed class DetailsModel(FaceDbContext db, PersonEditor editor, PersonMerger merger, AuditWriter audit) : AdminPageModel
{
    /// <summary>Faces per page.</summary>
    public const int PageSize = 60;

    /// <summary>The person id from the route.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    /// <summary>1-based page of faces.</summary>
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>Rename form.</summary>
    [BindProperty]
    public RenameInput Input { get; set; } = new();

    /// <summary>Faces ticked in the grid.</summary>
    [BindProperty]
    public List<Guid> SelectedFaces { get; set; } = [];

    /// <summary>Move target: a person id, or <c>new</c> for a split.</summary>
    [BindProperty]
    public string? MoveTarget { get; set; }

    /// <summary>The person.</summary>
    public Person Person { get; private set; } = null!;

    /// <summary>This page of faces, newest first.</summary>
    public IReadOnlyList<FaceRow> Faces { get; private set; } = [];

    /// <summary>Other persons, for move and merge.</summary>
    public IReadOnlyList<PersonChoice> Others { get; private set; } = [];

    /// <summary>Name search of the merge target picker (case-insensitive substring; empty = largest persons first).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Mq { get; set; }

    /// <summary>Merge targets matching <see cref="Mq"/>, with their covers (at most <see cref="PickerSize"/>).</summary>
    public IReadOnlyList<PersonCard> MergeTargets { get; private set; } = [];

    /// <summary>Cards in the merge target picker.</summary>
    public const int PickerSize = 24;

    /// <summary>Merges into this person that can still be undone.</summary>
    public IReadOnlyList<PersonMerge> Merges { get; private set; } = [];

    /// <summary>Number of face pages.</summary>
    public int Pages => Math.Max(1, (Person.FaceCount + PageSize - 1) / PageSize);

    /// <summary>Rename form fields.</summary>
    public sealed class RenameInput
    {
        /// <summary>New name; empty clears it.</summary>
        [MaxLength(PersonEditor.MaxNameLength)]
        public string? Name { get; set; }
    }

    /// <summary>Loads the person and a page of faces, and audits the read (<c>read.person</c>, one row per view).</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
            return NotFound();
        await audit.WriteAsync(Actor, "read.person", Id.ToString(), new { page = "/Persons/Details", p = PageNumber, rows = Faces.Count }, ct);
        Input.Name = Person.Name;
        return Page();
    }

    /// <summary>Renames.</summary>
    public async Task<IActionResult> OnPostRenameAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            FlashError = string.Join(" ", ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage));
            return RedirectToPage(new { Id });
        }
        return await RunAsync(() => editor.RenameAsync(Id, Input.Name, Actor, ct),
            string.IsNullOrWhiteSpace(Input.Name) ? "Name cleared." : $"Renamed to {Input.Name.Trim()}.");
    }

    /// <summary>Hides the person.</summary>
    public Task<IActionResult> OnPostHideAsync(CancellationToken ct) =>
        RunAsync(() => editor.SetHiddenAsync(Id, true, Actor, ct), "Person hidden.");

    /// <summary>Shows the person again.</summary>
    public Task<IActionResult> OnPostUnhideAsync(CancellationToken ct) =>
        RunAsync(() => editor.SetHiddenAsync(Id, false, Actor, ct), "Person visible again.");

    /// <summary>Makes a face the cover.</summary>
    public Task<IActionResult> OnPostCoverAsync(Guid faceId, CancellationToken ct) =>
        RunAsync(() => editor.SetCoverAsync(Id, faceId, Actor, ct), "Cover changed.");

    /// <summary>Moves the ticked faces to another person or to a new one.</summary>
    public async Task<IActionResult> OnPostMoveAsync(CancellationToken ct)
    {
        if (SelectedFaces.Count == 0)
            return Fail("Tick the faces to move first.");
        Guid? target = MoveTarget == "new" ? null : Guid.TryParse(MoveTarget, out var t) ? t : Guid.Empty;
        if (target == Guid.Empty)
            return Fail("Choose where to move the faces.");
        Guid moved = default;
        var result = await RunAsync(async () => moved = await editor.MoveFacesAsync(SelectedFaces, target, Actor, ct),
            target is null ? $"{SelectedFaces.Count} face(s) split off into a new person." : $"{SelectedFaces.Count} face(s) moved.");
        return target is null && FlashError is null ? RedirectToPage(new { id = moved }) : result;
    }

    /// <summary>Detaches the ticked faces from any person.</summary>
    public Task<IActionResult> OnPostUnassignAsync(CancellationToken ct) =>
        SelectedFaces.Count == 0
            ? Task.FromResult(Fail("Tick the faces to unassign first."))
            : RunAsync(() => editor.UnassignFacesAsync(SelectedFaces, Actor, ct), $"{SelectedFaces.Count} face(s) unassigned.");

    /// <summary>
    /// Deletes the person with its faces and emotion rows. A person already gone (deleted or merged from another
    /// page, or the same form sent twice) is reported as such, not as an error page.
    /// </summary>
    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken ct)
    {
        try
        {
            var erased = await editor.DeleteAsync(Id, Actor, ct);
            Flash = $"Person deleted with {erased} face(s) and their emotion records.";
        }
        catch (KeyNotFoundException)
        {
            FlashError = "This person no longer exists: it was deleted or merged meanwhile. Nothing was deleted.";
        }
        return RedirectToPage("Index");
    }

    /// <summary>Undoes a merge into this person.</summary>
    public async Task<IActionResult> OnPostUndoAsync(long mergeId, CancellationToken ct)
    {
        var source = await db.PersonMerges.Where(m => m.Id == mergeId).Select(m => m.SourcePersonId).FirstOrDefaultAsync(ct);
        var result = await RunAsync(async () =>
        {
            var back = await merger.UndoAsync(mergeId, Actor, ct);
            Flash = $"Merge undone: {back} face(s) went back to the restored person.";
        }, null);
        return FlashError is null ? RedirectToPage(new { id = source }) : result;
    }

    private IActionResult Fail(string message)
    {
        FlashError = message;
        return RedirectToPage(new { Id, p = PageNumber });
    }

    private async Task<IActionResult> RunAsync(Func<Task> action, string? success)
    {
        try
        {
            await action();
            if (success is not null)
                Flash = success;
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException or InvalidOperationException)
        {
            FlashError = e.Message;
        }
        return RedirectToPage(new { Id, p = PageNumber });
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var person = await db.Persons.AsNoTracking().FirstOrDefaultAsync(p => p.Id == Id, ct);
        if (person is null)
            return false;
        Person = person;
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        Faces = await db.Faces.AsNoTracking().Where(f => f.PersonId == Id)
            .OrderByDescending(f => f.CapturedAt).ThenBy(f => f.Id)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize)
            .Select(f => new FaceRow(f.Id, f.CapturedAt, f.Source, f.Quality, f.Crop != null,
                db.Emotions.Where(e => e.FaceId == f.Id).Select(e => e.Dominant).FirstOrDefault(),
                db.Emotions.Where(e => e.FaceId == f.Id).Select(e => (float?)e.Confidence).FirstOrDefault()))
            .ToListAsync(ct);
        Others = await db.Persons.AsNoTracking().Where(p => p.Id != Id)
            .OrderBy(p => p.Name == null).ThenBy(p => p.Name).ThenByDescending(p => p.FaceCount).Take(500)
            .Select(p => new PersonChoice(p.Id, (p.Name ?? "Unnamed " + p.Id.ToString().Substring(0, 8)) + " (" + p.FaceCount + ")"))
            .ToListAsync(ct);
        var targets = db.Persons.AsNoTracking().Where(p => p.Id != Id);
        if (!string.IsNullOrWhiteSpace(Mq))
        {
            var pattern = Services.NameSearch.Contains(Mq);
            targets = targets.Where(p => p.Name != null && EF.Functions.ILike(p.Name, pattern));
        }
        MergeTargets = await targets.OrderBy(p => p.Name == null).ThenByDescending(p => p.FaceCount).ThenBy(p => p.Name).Take(PickerSize)
            .Select(p => new PersonCard(p.Id, p.Name, p.CoverFaceId, p.FaceCount, p.LastSeen)).ToListAsync(ct);
        Merges = await db.PersonMerges.AsNoTracking().Where(m => m.TargetPersonId == Id && m.UndoneAt == null)
            .OrderByDescending(m => m.At).ToListAsync(ct);
        return true;
    }
}
