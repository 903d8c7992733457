using System.Text.RegularExpressions;
using FaceAspire.Core.Identity;
using FaceAspire.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Playwright;

namespace FaceAspire.Admin.BrowserTests;

/// <summary>
/// An admin of its own over a few real photos imported in-process (biden ×2, obama, alex: three persons, one with two
/// faces, each put together by the editor), with the default <c>MinFacesShown</c> of 2, and Chromium.
/// </summary>
public sealed class SmallScreenFixture : IAsyncLifetime
{
    /// <summary>The configured operator.</summary>
    public const string Username = "operator", Password = "a long and correct password";

    private IPlaywright? _playwright;

    /// <summary>Fresh database.</summary>
    public PostgresDatabaseFixture Database { get; } = new();
    /// <summary>The admin process.</summary>
    public ServiceProcess Admin { get; private set; } = null!;
    /// <summary>Chromium.</summary>
    public IBrowser Browser { get; private set; } = null!;
    /// <summary>The person holding both Biden photos' faces.</summary>
    public Guid Biden { get; private set; }
    /// <summary>artifacts/screenshots.</summary>
    public string ScreenshotDir { get; private set; } = "";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        var train = Path.Combine(SharedData.Directory(), "identities/face_recognition/knn_examples/train");
        using (var importer = new PhotoImporter(Database.AppDataSource))
        {
            var at = DateTimeOffset.UtcNow.AddHours(-1);
            foreach (var photo in new[] { "biden/biden.jpg", "biden/biden2.jpg", "obama/obama.jpg", "alex_lacamoire/img1.jpg" })
                await importer.ImportAsync(Path.Combine(train, photo), "train/" + photo.Split('/')[0], at = at.AddMinutes(1));
        }
        // One person per folder, made by the editor, so the tests do not depend on how the matcher forms persons.
        var editor = new PersonEditor(Database.AppDataSource);
        foreach (var source in new[] { "train/biden", "train/obama", "train/alex_lacamoire" })
        {
            var faces = new List<Guid>();
            await using (var command = Database.AppDataSource.CreateCommand("SELECT id FROM faces WHERE source = @s"))
            {
                command.Parameters.AddWithValue("s", source);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    faces.Add(reader.GetGuid(0));
            }
            var person = await editor.MoveFacesAsync(faces, null, "fixture");
            if (source == "train/biden")
                Biden = person;
        }
        var logs = Path.Combine(Database.Infrastructure.RepoRoot, "artifacts");
        ScreenshotDir = Path.Combine(logs, "screenshots");
        Directory.CreateDirectory(ScreenshotDir);
        Admin = await TestServices.StartAsync("Admin", web: true, new Dictionary<string, string>
        {
            ["ConnectionStrings__facedb"] = Database.AppConnectionString,
            ["ConnectionStrings__messaging"] = (await TestInfrastructure.GetAsync(requireRabbitMq: true)).RabbitMq.Url,
            ["Admin__Username"] = Username,
            ["Admin__PasswordHash"] = new PasswordHasher<string>().HashPassword(Username, Password),
        }, Path.Combine(logs, "small-screen"));
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    /// <summary>A signed-in page of <paramref name="width"/> × 844 CSS pixels.</summary>
    public async Task<IPage> SignedInPageAsync(int width)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 844 } });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{Admin.BaseUrl}/Account/Login");
        await page.FillAsync("#Input_Username", Username);
        await page.FillAsync("#Input_Password", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(u => !u.Contains("/Account/Login"));
        return page;
    }

    /// <summary>Runs a scalar query on the test database (<see cref="PostgresDatabaseFixture.ScalarAsync{T}"/>).</summary>
    public Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters) => Database.ScalarAsync<T>(sql, parameters);

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

/// <summary>The admin on a phone-sized screen, the persons grid's defaults, unidentified faces and scoped keys.</summary>
public sealed class SmallScreenTests(SmallScreenFixture app) : IClassFixture<SmallScreenFixture>
{
    private string Url(string path) => app.Admin.BaseUrl + path;

    [Fact]
    public async Task At390PxEveryPageFitsAndTheMenuButtonOpensANavWhoseLinksWork()
    {
        var page = await app.SignedInPageAsync(390);
        var biden = app.Biden;
        foreach (var path in new[] { "/Dashboard", "/Persons", $"/Persons/Details/{biden}", "/Faces/Unidentified", "/Suggestions",
                     "/Emotions", "/Webcam", "/Frames", "/Jobs", "/ApiKeys", "/Audit" })
        {
            await page.GotoAsync(Url(path));
            await Assertions.Expect(page.Locator("[data-testid=menu-button]")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#main-nav")).ToBeHiddenAsync();
            // Nothing cut off: the page is no wider than the screen.
            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            var wide = width <= 390 ? "" : await page.EvaluateAsync<string>("""
                () => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)
                        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')
                """);
            Assert.True(width <= 390, $"{path} is {width} px wide at a 390 px viewport: {wide}");
        }
        await page.GotoAsync(Url("/Dashboard"));
        await page.ClickAsync("[data-testid=menu-button]");
        var persons = page.Locator("#main-nav a:has-text('Persons')");
        await Assertions.Expect(persons).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(app.ScreenshotDir, "20-menu-390px.png"), FullPage = true });
        var box = (await persons.BoundingBoxAsync())!;
        Assert.True(box.X >= 0 && box.X + box.Width <= 390, $"the Persons link is cut off: x {box.X}, width {box.Width}");
        await persons.ClickAsync();
        await page.WaitForURLAsync(new Regex("/Persons$"));
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Persons");
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(1280)]
    public async Task OnADesktopEveryNavLinkIsOnScreenWithoutAMenuButton(int width)
    {
        var page = await app.SignedInPageAsync(width);
        await page.GotoAsync(Url("/Dashboard"));
        await Assertions.Expect(page.Locator("[data-testid=menu-button]")).ToBeHiddenAsync();
        var links = page.Locator("#main-nav a");
        Assert.Equal(10, await links.CountAsync());
        for (var i = 0; i < 10; i++)
        {
            var box = await links.Nth(i).BoundingBoxAsync();
            Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= width,
                $"nav link {await links.Nth(i).TextContentAsync()} is off screen at {width} px: {box?.X} + {box?.Width}");
        }
    }

    [Fact]
    public async Task ThePersonsGridHidesOneFacePersonsByDefaultSortsByFacesAndShowsAllOnRequest()
    {
        var page = await app.SignedInPageAsync(1280);
        await page.GotoAsync(Url("/Persons"));
        var biden = app.Biden;
        await Assertions.Expect(page.Locator(".person-card")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($".person-card[data-person-id='{biden}']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=few-hidden]")).ToContainTextAsync("fewer than 2 faces");
        await page.CheckAsync("#Few");
        await page.SelectOptionAsync("#Sort", "faces");
        await page.ClickAsync("button:has-text('Apply')");
        var cards = page.Locator(".person-card");
        Assert.True(await cards.CountAsync() >= 3, "every person is shown with Few ticked");
        Assert.Equal(biden.ToString(), await cards.First.GetAttributeAsync("data-person-id"));
    }

    [Fact]
    public async Task AnOperatorAssignsAFaceWithoutAPersonToANewPersonAndTheMoveIsAudited()
    {
        var face = await app.ScalarAsync<Guid>("SELECT id FROM faces WHERE source = 'train/alex_lacamoire' LIMIT 1");
        await new PersonEditor(app.Database.AppDataSource).UnassignFacesAsync([face], "test");
        var page = await app.SignedInPageAsync(1280);
        await page.GotoAsync(Url("/Faces/Unidentified?state=unassigned"));
        var card = page.Locator($".unidentified li[data-face-id='{face}']");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "unassigned");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.unidentified img')].every(i => i.complete && i.naturalWidth > 0)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(app.ScreenshotDir, "21-unidentified.png"), FullPage = true });
        await card.Locator("select[name=personId]").SelectOptionAsync("");
        await card.Locator("button:has-text('Assign')").ClickAsync();
        await page.WaitForURLAsync(new Regex("/Persons/Details/"));
        var person = await app.ScalarAsync<Guid>("SELECT person_id FROM faces WHERE id = @f", ("f", face));
        Assert.Contains(person.ToString(), page.Url);
        Assert.Equal("assigned", await app.ScalarAsync<string>("SELECT identity_state FROM faces WHERE id = @f", ("f", face)));
        Assert.Equal(SmallScreenFixture.Username, await app.ScalarAsync<string>(
            "SELECT actor FROM audit_log WHERE action = 'person.split' AND subject = @s", ("s", person.ToString())));
    }

    [Fact]
    public async Task AKeyIsCreatedWithItsScopesAndExpiryAndTheListShowsThem()
    {
        var page = await app.SignedInPageAsync(1280);
        await page.GotoAsync(Url("/ApiKeys"));
        await page.FillAsync("#Input_Name", "wall dashboard");
        await page.UncheckAsync("input[name='Input.Scopes'][value=ingest]");
        await page.CheckAsync("input[name='Input.Scopes'][value=read]");
        await page.FillAsync("#Input_ExpiresInDays", "30");
        await page.ClickAsync("text=Create key");
        var key = (await page.TextContentAsync("#new-key"))!.Trim();
        Assert.Equal(["read"], await app.ScalarAsync<string[]>("SELECT scopes FROM api_keys WHERE hash = @h",
            ("h", Core.Data.Entities.ApiKey.ComputeHash(key))));
        var expires = await app.ScalarAsync<DateTime>("SELECT expires_at FROM api_keys WHERE name = 'wall dashboard'");
        Assert.InRange(expires, DateTime.UtcNow.AddDays(29.9), DateTime.UtcNow.AddDays(30.1));
        var row = page.Locator("#keys tr:has-text('wall dashboard')");
        await Assertions.Expect(row.Locator(".key-scopes")).ToHaveTextAsync("read");
        await Assertions.Expect(row.Locator(".key-state")).ToHaveTextAsync("active");

        await page.UncheckAsync("input[name='Input.Scopes'][value=ingest]");
        await page.FillAsync("#Input_Name", "no scope");
        await page.ClickAsync("text=Create key");
        await Assertions.Expect(page.Locator(".errors[data-valmsg-for='Input.Scopes']")).ToContainTextAsync("Tick at least one scope");
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE name = 'no scope'"));
    }
}
