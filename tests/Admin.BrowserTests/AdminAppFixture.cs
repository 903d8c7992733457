using System.Security.Cryptography;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Playwright;
using Npgsql;

namespace FaceAspire.Admin.BrowserTests;

/// <summary>
/// One fresh database and RabbitMQ virtual host; the real Api and Worker processes on them; the face_recognition
/// train photos (5 people, 9 photos) posted through the Api and analysed by the Worker; the real admin process;
/// and a headless Debian Chromium. The operator's password is random per run and only its PasswordHasher hash is
/// handed to the admin (<c>Admin__PasswordHash</c>), as in production.
/// With <c>FACEASPIRE_ADMIN_TESTS_PIPELINE=inprocess</c> the photos go in through <see cref="PhotoImporter"/>
/// instead (same rows, no Api/Worker), and the webcam test is skipped.
/// </summary>
public sealed class AdminAppFixture : IAsyncLifetime
{
    /// <summary>True when the photos are imported in-process instead of through the Api and Worker.</summary>
    public static bool InProcess => Environment.GetEnvironmentVariable("FACEASPIRE_ADMIN_TESTS_PIPELINE") == "inprocess";

    private readonly string _vhostName = "admin_" + Guid.NewGuid().ToString("N")[..12];
    private RabbitMqVirtualHost? _vhost;
    private readonly List<ServiceProcess> _services = [];
    private IPlaywright? _playwright;
    private TestInfrastructure _infra = null!;
    private string _amqp = "";
    private string _mgmt = "";
    private HttpClient? _api;

    /// <summary>The database (fresh, migrated, app role).</summary>
    public PostgresDatabaseFixture Database { get; } = new();
    /// <summary>The running admin.</summary>
    public ServiceProcess Admin { get; private set; } = null!;
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
        _infra = await TestInfrastructure.GetAsync(requireRabbitMq: true);
        await Database.InitializeAsync();
        var repo = _infra.RepoRoot;
        var logs = Path.Combine(repo, "artifacts");
        ScreenshotDir = Path.Combine(logs, "screenshots");
        Directory.CreateDirectory(ScreenshotDir);

        // A private vhost: this run's analyze-frame queue and its consumers are ours alone.
        _vhost = await RabbitMqVirtualHost.CreateAsync(_infra.RabbitMq, _vhostName);
        _amqp = _vhost.Url;
        _mgmt = _infra.RabbitMq.ManagementUrl;

        await using (var db = Database.CreateDbContext())
        {
            db.ApiKeys.Add(Core.Data.Entities.ApiKey.Create("browser tests", ApiKey, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }
        var services = new Dictionary<string, string>
        {
            ["ConnectionStrings__facedb"] = Database.AppConnectionString,
            ["ConnectionStrings__messaging"] = _amqp,
        };
        if (!InProcess)
        {
            var api = await TestServices.StartAsync("Api", web: true, services, logs);
            _services.Add(api);
            _api = new HttpClient { BaseAddress = new Uri(api.BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
            _api.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
            _services.Add(await TestServices.StartAsync("Worker", web: false,
                new Dictionary<string, string>(services) { ["Worker__Concurrency"] = "1" }, logs,
                async () => (await QueueAsync()).Consumers >= 1));
        }
        await ImportTrainPhotosAsync();

        Admin = await TestServices.StartAsync("Admin", web: true, new Dictionary<string, string>(services)
        {
            ["Admin__Username"] = Username,
            ["Admin__PasswordHash"] = new PasswordHasher<string>().HashPassword(Username, Password),
            ["Admin__ApiKey"] = ApiKey,
            // The train photos give some persons a single face; these steps count every person.
            ["Admin__MinFacesShown"] = "1",
            ["Admin__RabbitMqManagementUrl"] = _mgmt,
            ["services__api__http__0"] = _api?.BaseAddress?.ToString() ?? "",
        }, logs);
        _services.Add(Admin);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        // Generous waits: the machine is shared with parallel builds (load averages above 20 were measured).
        Assertions.SetDefaultExpectTimeout(20_000);
        StorageStatePath = Path.Combine(Path.GetTempPath(), $"faceaspire-admin-{Guid.NewGuid():N}.json");
        var context = await NewContextAsync(Browser, null);
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
        var start = DateTimeOffset.UtcNow.AddMinutes(-7 * files.Count);
        var photos = files.Select((f, i) => (f, $"train/{Path.GetFileName(Path.GetDirectoryName(f))}", start.AddMinutes(7 * i))).ToList();
        await ImportAsync(photos);
    }

    /// <summary>
    /// Puts photos in through the real Api (<c>POST /api/frames</c>, raw body, source and timestamp in the query)
    /// and waits until the Worker has analysed every one; or in-process (see the class summary).
    /// </summary>
    private async Task<int> ImportAsync(IReadOnlyList<(string Path, string Source, DateTimeOffset CapturedAt)> photos)
    {
        if (_api is null)
        {
            ImportPath = "in-process: Core FrameIngest + Vision FaceAnalyzer + Core FrameWriter (no Api/Worker)";
            using var importer = new PhotoImporter(Database.AppDataSource);
            var faces = 0;
            foreach (var (path, source, at) in photos)
                faces += (await importer.ImportAsync(path, source, at)).Faces;
            return faces;
        }
        ImportPath = "through the real pipeline: Api POST /api/frames → outbox → RabbitMQ → Worker";
        var ids = new List<Guid>();
        foreach (var (path, source, at) in photos)
        {
            using var content = new ByteArrayContent(await File.ReadAllBytesAsync(path));
            content.Headers.ContentType = new(path.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg");
            var url = $"api/frames?source={Uri.EscapeDataString(source)}&timestamp={Uri.EscapeDataString(at.UtcDateTime.ToString("O"))}";
            using var response = await _api.PostAsync(url, content);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"POST {url}: {(int)response.StatusCode} {body}");
            ids.Add(System.Text.Json.JsonDocument.Parse(body).RootElement[0].GetProperty("id").GetGuid());
        }
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var pending = await ScalarAsync<long>("SELECT count(*) FROM frames WHERE id = ANY(@ids) AND status NOT IN ('done', 'failed')", ("ids", ids.ToArray()));
            if (pending == 0)
                break;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{pending} of {ids.Count} frames were not analysed within 120 s (see artifacts/worker-test.log).");
            await Task.Delay(200);
        }
        return (int)await ScalarAsync<long>("SELECT count(*) FROM faces WHERE frame_id = ANY(@ids)", ("ids", ids.ToArray()));
    }

    /// <summary>Depth and consumers of this run's analyze-frame queue (RabbitMQ management API); (0, 0) when absent.</summary>
    public async Task<(long Messages, int Consumers)> QueueAsync()
    {
        var amqp = new Uri(_amqp);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        http.DefaultRequestHeaders.Authorization = new("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(amqp.UserInfo))));
        using var response = await http.GetAsync(new Uri(new Uri(_mgmt), $"api/queues/{_vhostName}/analyze-frame"));
        if (!response.IsSuccessStatusCode)
            return (0, 0);
        using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var r = doc.RootElement;
        return (r.TryGetProperty("messages", out var m) ? m.GetInt64() : 0, r.TryGetProperty("consumers", out var c) ? c.GetInt32() : 0);
    }

    /// <summary>Imports more photos now (the knn test folder, 5 photos), as if a camera kept sending; returns faces stored.</summary>
    public async Task<int> ImportMoreAsync()
    {
        var files = Directory.GetFiles(Path.Combine(PhotosDir, "test"), "*").Where(IsImage).Order(StringComparer.Ordinal).ToList();
        return await ImportAsync([.. files.Select(f => (f, "test-camera", DateTimeOffset.UtcNow))]);
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
    public async Task<IPage> NewSignedInPageAsync() => await (await NewContextAsync(Browser, StorageStatePath)).NewPageAsync();

    /// <summary>A context with a 1280×900 viewport, 60 s action/navigation timeouts, and optionally a signed-in state.</summary>
    public static async Task<IBrowserContext> NewContextAsync(IBrowser browser, string? storageState)
    {
        var context = await browser.NewContextAsync(new() { StorageStatePath = storageState, ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        return context;
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

    /// <summary>Runs a scalar query on the test database (<see cref="PostgresDatabaseFixture.ScalarAsync{T}"/>).</summary>
    public Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters) => Database.ScalarAsync<T>(sql, parameters);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.CloseAsync();
        _playwright?.Dispose();
        _api?.Dispose();
        foreach (var service in _services)
            await service.DisposeAsync();
        if (_vhost is not null)
            await _vhost.DeleteAsync();
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
