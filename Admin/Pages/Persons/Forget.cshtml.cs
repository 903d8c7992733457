using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Core.Privacy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Admin.Pages.Persons;

/// <summary>
/// The confirmation step of "forget this person" (<see cref="PersonForgetter"/>): GET shows what will be erased
/// (faces, photos where they are alone, shared photos that stay), POST erases and returns to the person list.
/// A page of its own rather than a script prompt, so it works under the admin's CSP (no inline script) and without
/// JavaScript; the POST carries the antiforgery token like every form.
/// </summary>
public sealed class ForgetModel(FaceDbContext db, PersonForgetter forgetter) : AdminPageModel
{
    /// <summary>The person id from the route.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    /// <summary>The person.</summary>
    public Person Person { get; private set; } = null!;

    /// <summary>Faces that will be erased.</summary>
    public int Faces { get; private set; }

    /// <summary>Photos that will be deleted (this person is their only face).</summary>
    public int PhotosAlone { get; private set; }

    /// <summary>Photos that stay because they show others too (this person's faces leave them).</summary>
    public int PhotosShared { get; private set; }

    /// <summary>Shows the person and what forgetting will erase.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await db.Persons.AsNoTracking().FirstOrDefaultAsync(p => p.Id == Id, ct) is not { } person)
            return NotFound();
        Person = person;
        var frames = await db.Faces.Where(f => f.PersonId == Id).Select(f => f.FrameId).Distinct()
            .Select(frame => new { Alone = !db.Faces.Any(x => x.FrameId == frame && x.PersonId != Id) }).ToListAsync(ct);
        Faces = await db.Faces.CountAsync(f => f.PersonId == Id, ct);
        PhotosAlone = frames.Count(f => f.Alone);
        PhotosShared = frames.Count - PhotosAlone;
        return Page();
    }

    /// <summary>Forgets the person, then shows the person list with the counts.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            var r = await forgetter.ForgetAsync(Id, Actor, ct);
            Flash = $"Person forgotten: {r.Faces} face(s), {r.EmotionRows} emotion record(s) and {r.FramesDeleted} photo(s) erased; " +
                    $"{r.FramesKept} shared photo(s) kept without this person's faces.";
        }
        catch (KeyNotFoundException)
        {
            FlashError = "This person no longer exists: it was deleted or merged meanwhile. Nothing was erased.";
        }
        return RedirectToPage("Index");
    }
}
