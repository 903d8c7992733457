using System.Net;
using System.Text.RegularExpressions;
using FaceAspire.Testing;
using Microsoft.AspNetCore.Identity;

namespace FaceAspire.Admin.BrowserTests;

/// <summary>An admin of its own (its lockout must not lock the other classes' operator) with a configured operator.</summary>
public sealed class SignInFixture : IAsyncLifetime
{
    /// <summary>The configured operator's name and password.</summary>
    public const string Username = "operator", Password = "a long and correct password";

    /// <summary>Fresh database.</summary>
    public PostgresDatabaseFixture Database { get; } = new();

    /// <summary>The admin process.</summary>
    public ServiceProcess Admin { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Admin = await TestServices.StartAsync("Admin", web: true, new Dictionary<string, string>
        {
            ["ConnectionStrings__facedb"] = Database.AppConnectionString,
            // The admin relays its own outbox rows, so it needs a broker even when no test sends a message.
            ["ConnectionStrings__messaging"] = (await TestInfrastructure.GetAsync(requireRabbitMq: true)).RabbitMq.Url,
            ["Admin__Username"] = Username,
            ["Admin__PasswordHash"] = new PasswordHasher<string>().HashPassword(Username, Password),
            ["Admin__LockoutFailures"] = "3",
        }, Path.Combine(Database.Infrastructure.RepoRoot, "artifacts", "sign-in"));
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Admin is not null)
            await Admin.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>The admin's sign-in and pages against the attacks a browser-facing app meets: headers that forbid framing,
/// sniffing and foreign script; antiforgery on posts; a lockout for password guessing.</summary>
public sealed partial class SignInSecurityTests(SignInFixture app) : IClassFixture<SignInFixture>
{
    private HttpClient Client() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri(app.Admin.BaseUrl!) };

    [Fact]
    public async Task EveryPageCarriesAPolicyWithoutInlineScriptAndNoFraming()
    {
        using var client = Client();
        foreach (var path in new[] { "/Account/Login", "/css/site.css", "/Persons" })
        {
            using var response = await client.GetAsync(path);
            var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self';", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        }
        // No page relies on inline script the policy would block.
        Assert.DoesNotMatch(InlineScript(), await client.GetStringAsync("/Account/Login"));
    }

    [Fact]
    public async Task APostWithoutTheAntiforgeryTokenIs400()
    {
        using var client = Client();
        using var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Username"] = SignInFixture.Username,
            ["Input.Password"] = SignInFixture.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task RepeatedWrongPasswordsLockTheNameAndTheAddressEvenAgainstTheRightPassword()
    {
        using var client = Client();
        const string name = "someone.else";
        for (var i = 1; i <= 3; i++)
        {
            using var wrong = await SignInAsync(client, name, "guess " + i);
            Assert.Equal(i < 3 ? HttpStatusCode.OK : HttpStatusCode.TooManyRequests, wrong.StatusCode);
        }
        using var locked = await SignInAsync(client, name, "guess 4");
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.True(int.Parse(Assert.Single(locked.Headers.GetValues("Retry-After"))) > 60);
        Assert.Contains("locked", await locked.Content.ReadAsStringAsync());
        // The address is locked too: from here even the operator's right password is not checked.
        using var right = await SignInAsync(client, SignInFixture.Username, SignInFixture.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        await using var audit = app.Database.AppDataSource.CreateCommand("SELECT count(*) FROM audit_log WHERE action = 'admin.login.locked'");
        Assert.True((long)(await audit.ExecuteScalarAsync())! >= 2);
    }

    /// <summary>Posts the login form the way a browser does: the page's antiforgery token and cookie included.</summary>
    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string username, string password)
    {
        var page = await client.GetStringAsync("/Account/Login");
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        return await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Username"] = username,
            ["Input.Password"] = password,
            ["__RequestVerificationToken"] = token,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)(?![^>]*type=""application/json"")[^>]*>")]
    private static partial Regex InlineScript();
}
