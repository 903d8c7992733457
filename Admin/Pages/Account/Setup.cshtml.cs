using System.ComponentModel.DataAnnotations;
using FaceAspire.Admin.Services;
using Microsoft.AspNetCore.Mvc;

namespace FaceAspire.Admin.Pages.Account;

/// <summary>First-run setup: creates the one operator account when none is configured or stored.</summary>
public sealed class SetupModel(AdminAccounts accounts, AuditWriter audit) : AdminPageModel
{
    /// <summary>The form.</summary>
    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>Setup form fields.</summary>
    public sealed class InputModel
    {
        /// <summary>User name.</summary>
        [Required, MaxLength(100), RegularExpression(@"^[\w.@-]+$", ErrorMessage = "Letters, digits and . _ @ - only.")]
        public string Username { get; set; } = "";

        /// <summary>Password, 10+ characters.</summary>
        [Required, MinLength(10), DataType(DataType.Password)]
        public string Password { get; set; } = "";

        /// <summary>Must equal <see cref="Password"/>.</summary>
        [Required, Compare(nameof(Password), ErrorMessage = "The passwords differ."), DataType(DataType.Password)]
        public string Confirm { get; set; } = "";
    }

    /// <summary>Shows the form while setup is open; otherwise goes to sign-in.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await accounts.IsSetUpAsync(ct) ? RedirectToPage("Login") : Page();

    /// <summary>Stores the account (once) and goes to sign-in.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
            return Page();
        if (!await accounts.CreateFirstAsync(Input.Username, Input.Password, ct))
        {
            FlashError = "Setup is closed: an operator account already exists.";
            return RedirectToPage("Login");
        }
        await audit.WriteAsync(Input.Username, "admin.setup", Input.Username, null, ct);
        Flash = "Account created. Sign in with it.";
        return RedirectToPage("Login");
    }
}
