using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using FaceAspire.Admin.Services;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace FaceAspire.Admin.Pages.Account;

/// <summary>Cookie sign-in. Sends to the setup page while no operator exists.</summary>
/// <remarks>Repeated wrong passwords lock the name and the client address for a while (<see cref="LoginThrottle"/>):
/// the page then answers 429 with <c>Retry-After</c> and does not check the password at all.</remarks>
public sealed class LoginModel(AdminAccounts accounts, AuditWriter audit, LoginThrottle throttle, TimeProvider time) : AdminPageModel
{
    /// <summary>The form.</summary>
    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>Local URL to return to after signing in.</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Login form fields.</summary>
    public sealed class InputModel
    {
        /// <summary>User name.</summary>
        [Required, MaxLength(100)]
        public string Username { get; set; } = "";

        /// <summary>Password.</summary>
        [Required, DataType(DataType.Password)]
        public string Password { get; set; } = "";
    }

    /// <summary>Shows the form, or the setup page on first run.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await accounts.IsSetUpAsync(ct) ? Page() : RedirectToPage("Setup");

    /// <summary>Checks the password and issues the cookie.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
            return Page();
        var address = HttpContext.Connection.RemoteIpAddress?.ToString();
        if (throttle.LockedUntil(Input.Username, address) is { } locked)
            return await LockedAsync(locked, ct);
        var name = await accounts.VerifyAsync(Input.Username, Input.Password, ct);
        if (name is null)
        {
            if (throttle.Failed(Input.Username, address) is { } lockedNow)
                return await LockedAsync(lockedNow, ct);
            ModelState.AddModelError(string.Empty, "Wrong user name or password.");
            return Page();
        }
        throttle.Succeeded(Input.Username);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        await audit.WriteAsync(name, "admin.login", null, null, ct);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    private async Task<IActionResult> LockedAsync(DateTimeOffset until, CancellationToken ct)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((until - time.GetUtcNow()).TotalSeconds));
        await audit.WriteAsync(Input.Username, "admin.login.locked", null, $"until {until:O}", ct);
        ModelState.AddModelError(string.Empty, $"Too many wrong passwords: sign-in is locked for {Math.Ceiling(seconds / 60.0)} minute(s).");
        Response.StatusCode = StatusCodes.Status429TooManyRequests;
        Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Page();
    }
}
