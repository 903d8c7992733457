using System.ComponentModel.DataAnnotations;
using FaceAspire.Admin.Services;
using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Admin.Pages.ApiKeys;

/// <summary>
/// API keys: create with scopes and an optional expiry (the key is shown once, through TempData, and only its SHA-256 is stored — see
/// <see cref="ApiKey"/>) and revoke. Both are audited (<c>apikey.create</c>, <c>apikey.revoke</c>).
/// </summary>
public sealed class IndexModel(FaceDbContext db, AuditWriter audit, TimeProvider clock) : AdminPageModel
{
    /// <summary>The new key, present only on the redirect right after creating it.</summary>
    [TempData]
    public string? NewKey { get; set; }

    /// <summary>Create form.</summary>
    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>Now, to tell expired keys.</summary>
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>All keys, newest first.</summary>
    public IReadOnlyList<ApiKey> Keys { get; private set; } = [];

    /// <summary>Create form fields.</summary>
    public sealed class InputModel
    {
        /// <summary>What the key is for, e.g. "front door camera".</summary>
        [Required, MaxLength(100)]
        public string Name { get; set; } = "";

        /// <summary>Ticked scopes (<see cref="ApiKeyScopes.All"/>); at least one. A camera needs only <c>ingest</c>.</summary>
        public List<string> Scopes { get; set; } = [];

        /// <summary>Days until the key expires (1–3650); empty = never.</summary>
        [Range(1, 3650)]
        public int? ExpiresInDays { get; set; }
    }

    /// <summary>Lists keys; the create form starts with the least privilege, <c>ingest</c> only.</summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        Input.Scopes = [ApiKeyScopes.Ingest];
        await LoadAsync(ct);
    }

    // Not in the initialiser: a form with every box unticked would bind nothing and keep it.
    private async Task LoadAsync(CancellationToken ct) =>
        Keys = await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(ct);

    /// <summary>Creates a key and shows it once.</summary>
    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (Input.Scopes.Count == 0 || Input.Scopes.Any(s => !ApiKeyScopes.All.Contains(s)))
            ModelState.AddModelError("Input.Scopes", "Tick at least one scope.");
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }
        var key = ApiKey.Generate();
        var now = clock.GetUtcNow();
        var row = ApiKey.Create(Input.Name.Trim(), key, now, Input.Scopes, Input.ExpiresInDays is { } days ? now.AddDays(days) : null);
        db.ApiKeys.Add(row);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(Actor, "apikey.create", row.Id.ToString(), new { row.Name, row.Prefix, row.Scopes, row.ExpiresAt }, ct);
        NewKey = key;
        Flash = $"Key \"{row.Name}\" created. Copy it now: it is not shown again.";
        return RedirectToPage();
    }

    /// <summary>Revokes a key (idempotent).</summary>
    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken ct)
    {
        var row = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (row is null)
        {
            FlashError = "No such key.";
            return RedirectToPage();
        }
        if (row.RevokedAt is null)
        {
            row.RevokedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            await audit.WriteAsync(Actor, "apikey.revoke", row.Id.ToString(), new { row.Name, row.Prefix }, ct);
        }
        Flash = $"Key \"{row.Name}\" revoked.";
        return RedirectToPage();
    }
}
