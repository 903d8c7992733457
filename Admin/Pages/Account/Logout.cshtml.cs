using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace FaceAspire.Admin.Pages.Account;

/// <summary>Signs out (POST only; GET just shows a button, so a link cannot sign anyone out).</summary>
public sealed class LogoutModel : AdminPageModel
{
    /// <summary>Shows the button.</summary>
    public void OnGet()
    {
    }

    /// <summary>Removes the cookie and returns to the sign-in page.</summary>
    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return RedirectToPage("Login");
    }
}
