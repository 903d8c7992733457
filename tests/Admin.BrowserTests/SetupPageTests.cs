using FaceAspire.Testing;
using Microsoft.Playwright;

namespace FaceAspire.Admin.BrowserTests;

/// <summary>An admin with no configured operator on an empty database: the first-run setup page.</summary>
public sealed class FirstRunFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    /// <summary>Fresh database.</summary>
    public PostgresDatabaseFixture Database { get; } = new();
    /// <summary>The admin, started without Admin:Username / Admin:PasswordHash.</summary>
    public ServiceProcess Admin { get; private set; } = null!;
    /// <summary>Headless Chromium.</summary>
    public IBrowser Browser { get; private set; } = null!;
    /// <summary>Screenshot folder.</summary>
    public string ScreenshotDir { get; private set; } = "";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        var logs = Path.Combine(Database.Infrastructure.RepoRoot, "artifacts");
        ScreenshotDir = Path.Combine(logs, "screenshots");
        Directory.CreateDirectory(ScreenshotDir);
        Admin = await TestServices.StartAsync("Admin", web: true,
            new Dictionary<string, string>
            {
                ["ConnectionStrings__facedb"] = Database.AppConnectionString,
                // The admin relays its own outbox rows, so it needs a broker even when no test sends a message.
                ["ConnectionStrings__messaging"] = (await TestInfrastructure.GetAsync(requireRabbitMq: true)).RabbitMq.Url,
            }, Path.Combine(logs, "first-run"));
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Admin is not null)
            await Admin.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>First-run setup: opens while no operator exists, stores a hashed password, then closes for good.</summary>
public sealed class SetupPageTests(FirstRunFixture app) : IClassFixture<FirstRunFixture>
{
    [Fact]
    public async Task SetupCreatesTheOperatorOnceAndTheLoginAcceptsIt()
    {
        var page = await (await AdminAppFixture.NewContextAsync(app.Browser, null)).NewPageAsync();
        await page.GotoAsync(app.Admin.BaseUrl + "/Persons");
        Assert.Contains("/Account/Setup", page.Url);
        await page.ScreenshotAsync(new() { Path = Path.Combine(app.ScreenshotDir, "00-setup.png"), FullPage = true });

        await page.FillAsync("#Input_Username", "first.operator");
        await page.FillAsync("#Input_Password", "correct horse battery");
        await page.FillAsync("#Input_Confirm", "correct horse battery");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/Account/Login");
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Account created");

        await using (var command = app.Database.AppDataSource.CreateCommand("SELECT password_hash FROM admin_users WHERE username = 'first.operator'"))
        {
            var hash = (string)(await command.ExecuteScalarAsync())!;
            Assert.DoesNotContain("correct horse", hash);
            Assert.True(Convert.FromBase64String(hash)[0] == 0x01, "expected an Identity v3 hash (format marker 0x01)");
        }

        // Setup is closed now: the page sends to the login instead.
        await page.GotoAsync(app.Admin.BaseUrl + "/Account/Setup");
        Assert.Contains("/Account/Login", page.Url);
        await page.FillAsync("#Input_Username", "first.operator");
        await page.FillAsync("#Input_Password", "correct horse battery");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/Dashboard");
        await Assertions.Expect(page.Locator(".topbar .who")).ToHaveTextAsync("first.operator");
    }
}
