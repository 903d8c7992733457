using FaceAspire.Admin.Services;
using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Core.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Admin.Pages.Faces;

/// <summary>A face without a person, as the page lists it.</summary>
public sealed record LooseFace(Guid Id, string State, DateTimeOffset CapturedAt, string? Source, float Recognisability, bool HasCrop);

/// <summary>
/// Faces without a person (<c>faces.person_id</c> null), by identity state: <c>deferred</c> (waiting for evidence),
/// <c>unidentified</c> (under the recognisability gate), <c>unassigned</c> (taken from a person by an operator). The
/// operator assigns one to a person (the list is searched by name) or to a new person, through
/// <see cref="PersonEditor.MoveFacesAsync"/> (audited; refused when that person has a face of the same photo).
/// </summary>
public sealed class UnidentifiedModel(FaceDbContext db, PersonEditor editor) : AdminPageModel
{
    /// <summary>Faces per page.</summary>
    public const int PageSize = 48;

    /// <summary>States listed, in the filter's order.</summary>
    public static readonly IReadOnlyList<string> States =
        [FaceIdentityStates.Deferred, FaceIdentityStates.Unidentified, FaceIdentityStates.Unassigned];

    /// <summary>Filter: one of <see cref="States"/>, or empty for all of them.</summary>
    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    /// <summary>Name search narrowing the person choices.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    /// <summary>1-based page.</summary>
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>This page of faces, newest first.</summary>
    public IReadOnlyList<LooseFace> Faces { get; private set; } = [];

    /// <summary>Persons to assign to (named first, then the largest), narrowed by <see cref="Q"/>.</summary>
    public IReadOnlyList<Persons.PersonChoice> Choices { get; private set; } = [];

    /// <summary>Faces matching the filter.</summary>
    public int Total { get; private set; }

    /// <summary>Number of pages.</summary>
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    /// <summary>Loads the page.</summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        var faces = db.Faces.AsNoTracking().Where(f => f.PersonId == null);
        if (State is { Length: > 0 } state && States.Contains(state))
            faces = faces.Where(f => f.IdentityState == state);
        Total = await faces.CountAsync(ct);
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        Faces = await faces.OrderByDescending(f => f.CapturedAt).ThenBy(f => f.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize)
            .Select(f => new LooseFace(f.Id, f.IdentityState, f.CapturedAt, f.Source, f.Recognisability, f.Crop != null))
            .ToListAsync(ct);
        var persons = db.Persons.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var pattern = NameSearch.Contains(Q);
            persons = persons.Where(p => p.Name != null && EF.Functions.ILike(p.Name, pattern));
        }
        Choices = await persons.OrderBy(p => p.Name == null).ThenBy(p => p.Name).ThenByDescending(p => p.FaceCount).Take(200)
            .Select(p => new Persons.PersonChoice(p.Id, (p.Name ?? "Unnamed " + p.Id.ToString().Substring(0, 8)) + " (" + p.FaceCount + ")"))
            .ToListAsync(ct);
    }

    /// <summary>Assigns a face to <paramref name="personId"/>, or to a new person when it is empty.</summary>
    public async Task<IActionResult> OnPostAssignAsync(Guid faceId, Guid? personId, CancellationToken ct)
    {
        try
        {
            var target = await editor.MoveFacesAsync([faceId], personId, Actor, ct);
            Flash = personId is null ? "Face given a new person." : "Face assigned.";
            if (personId is null)
                return RedirectToPage("/Persons/Details", new { id = target });
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException or InvalidOperationException)
        {
            FlashError = e.Message;
        }
        return RedirectToPage(new { State, Q, p = PageNumber });
    }
}
