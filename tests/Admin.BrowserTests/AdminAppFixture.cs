using System.Security.Cryptography;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Playwright;
using Npgsql;

namespace FaceAspire.Admin.BrowserTests;

/// <summary>
/// One fresh database with the face_recognition train photos (5 people, 9 photos) imported, the real admin
/// process on it, and a headless Debian Chromium. The operator's password is random per run and only its
/// PasswordHasher hash is handed to the admin (<c>Admin__PasswordHash</c>), as in production.
/// </summary>
public sealed class AdminAppFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    /// <summary>The database (fresh, migrated, app role).</summary>
    public PostgresDatabaseFixture Database { get; } = new();
    /// <summary>The running admin.</summary>
    public AdminProcess Admin { get; private set; } = null!;
    /// <summary>Headless Chromium.</summary>
    public IBrowser Browser { get; private set; } = null!;
    /// <summary>Operator name.</summary>
    public string Username { get; } = "operator";
    /// <summary>Operator password (random per run).</summary>
    public string Password { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
    /// <summary>The ingest key configured as Admin:ApiKey (row in api_keys).</summary>
    public string ApiKey { get; } = Core.Data.Entities.ApiKey.Generate();
    /// <summary>Where screenshots go: &lt;repo&gt;/artifacts/screenshots.</summary>
    public string ScreenshotDir { get; private set; } = "";
    /// <summary>Folder of the face_recognition photos.</summary>
    public string PhotosDir { get; private set; } = "";
    /// <summary>How the photos got in (for the report and the test output).</summary>
    public string ImportPath { get; private set; } = "";
    /// <summary>Signed-in browser state (cookie) for tests that do not test the login itself.</summary>
    public string StorageStatePath { get; private set; } = "";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var shared = SharedData.Directory();
        PhotosDir = Path.Combine(shared, "identities/face_recognition/knn_examples");
        if (!Directory.Exists(PhotosDir))
            throw new DirectoryNotFoundException($"{PhotosDir} is missing: the browser tests need ../shared/data.");
        var infra = await TestInfrastructure.GetAsync(requireRabbitMq: true);
        await Database.InitializeAsync();
        var repo = infra.RepoRoot;
        ScreenshotDir = Path.Combine(repo, "artifacts/screenshots");
        Directory.CreateDirectory(ScreenshotDir);

        await using (var db = Database.CreateDbContext())
        {
            db.ApiKeys.Add(Core.Data.Entities.ApiKey.Create("browser tests", ApiKey, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }
        await ImportTrainPhotosAsync();

        var amqp = await infra.GetRabbitMqUrlAsync();
        var mgmt = await ScriptRunner.RunAsync(repo, infra.Instance, "infra/rabbitmq.sh", "url", "mgmt");
        Admin = await AdminProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__facedb"] = Database.AppConnectionString,
            ["ConnectionStrings__messaging"] = amqp,
            ["Admin__Username"] = Username,
            ["Admin__PasswordHash"] = new PasswordHasher<string>().HashPassword(Username, Password),
            ["Admin__ApiKey"] = ApiKey,
            ["Admin__RabbitMqManagementUrl"] = mgmt,
        }, Path.Combine(repo, "artifacts/admin-test.log"));

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        StorageStatePath = Path.Combine(Path.GetTempPath(), $"faceaspire-admin-{Guid.NewGuid():N}.json");
        var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await LogInAsync(page);
        await context.StorageStateAsync(new() { Path = StorageStatePath });
        await context.CloseAsync();
    }

    /// <summary>Imports the train photos: one source per person folder, captured 7 minutes apart.</summary>
    private async Task ImportTrainPhotosAsync()
    {
        var files = Directory.GetFiles(Path.Combine(PhotosDir, "train"), "*", SearchOption.AllDirectories)
            .Where(IsImage).Order(StringComparer.Ordinal).ToList();
        using var importer = new PhotoImporter(Database.AppDataSource);
        var start = DateTimeOffset.UtcNow.AddMinutes(-7 * files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            var person = Path.GetFileName(Path.GetDirectoryName(files[i])!);
            await importer.ImportAsync(files[i], $"train/{person}", start.AddMinutes(7 * i));
        }
        ImportPath = "in-process: Core FrameIngest + Vision FaceAnalyzer + Core FrameWriter";
    }

    /// <summary>Imports more photos now (the knn test folder), as if a camera kept sending.</summary>
    public async Task<int> ImportMoreAsync()
    {
        var files = Directory.GetFiles(Path.Combine(PhotosDir, "test"), "*").Where(IsImage).Order(StringComparer.Ordinal).ToList();
        using var importer = new PhotoImporter(Database.AppDataSource);
        var faces = 0;
        foreach (var file in files)
            faces += (await importer.ImportAsync(file, "test-camera", DateTimeOffset.UtcNow)).Faces;
        return faces;
    }

    /// <summary>Signs in through the login form.</summary>
    public async Task LogInAsync(IPage page)
    {
        await page.GotoAsync($"{Admin.BaseUrl}/Account/Login");
        await page.FillAsync("#Input_Username", Username);
        await page.FillAsync("#Input_Password", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(u => !u.Contains("/Account/Login"));
    }

    /// <summary>A new signed-in page (own context, 1280×900 viewport).</summary>
    public async Task<IPage> NewSignedInPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { StorageStatePath = StorageStatePath, ViewportSize = new() { Width = 1280, Height = 900 } });
        return await context.NewPageAsync();
    }

    /// <summary>Saves a full-page screenshot as artifacts/screenshots/<paramref name="name"/>.png.</summary>
    public Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true });

    /// <summary>The person most of the faces from <paramref name="source"/> belong to.</summary>
    public async Task<Guid> PersonOfSourceAsync(string source)
    {
        await using var command = Database.AppDataSource.CreateCommand(
            "SELECT person_id FROM faces WHERE source = @s AND person_id IS NOT NULL GROUP BY person_id ORDER BY count(*) DESC LIMIT 1");
        command.Parameters.AddWithValue("s", source);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs a scalar query on the test database.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Database.AppDataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Admin is not null)
            await Admin.DisposeAsync();
        if (File.Exists(StorageStatePath))
            File.Delete(StorageStatePath);
        NpgsqlConnection.ClearAllPools();
        await Database.DisposeAsync();
    }

    private static bool IsImage(string path) =>
        path.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".png", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Locates ../shared/data (env FACEASPIRE_SHARED overrides the shared folder).</summary>
public static class SharedData
{
    /// <summary>The data folder.</summary>
    public static string Directory() =>
        Path.Combine(Environment.GetEnvironmentVariable("FACEASPIRE_SHARED") is { Length: > 0 } s
            ? s : Path.Combine(RepositoryRoot.Find(), "../shared"), "data");
}
