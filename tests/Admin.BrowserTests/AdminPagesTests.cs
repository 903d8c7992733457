using System.Diagnostics;
using System.Text.RegularExpressions;
using FaceAspire.Core.Contracts;
using FaceAspire.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FaceAspire.Admin.BrowserTests;

/// <summary>
/// The admin's pages in Chromium, in order on one database: sign-in, the 5 persons of the train photos, rename,
/// merge + audit + undo, split, the emotion explorer and its CSV, the live dashboard, keys, suggestions, audit, and
/// the webcam page with Chromium's fake camera playing a real-face clip through the real Api and Worker, the jobs page,
/// deleting a person (twice, from a stale second tab), the frames page with its failures, and the pages while
/// PostgreSQL is stopped (503, nothing changed).
/// Every page visited is saved to artifacts/screenshots/.
/// </summary>
[TestCaseOrderer(StepOrderer.Name, StepOrderer.Assembly)]
public sealed class AdminPagesTests(AdminAppFixture app, ITestOutputHelper output) : IClassFixture<AdminAppFixture>
{
    private string Url(string path) => app.Admin.BaseUrl + path;

    [Fact, Step(1)]
    public async Task SigningInRefusesAWrongPasswordAndReturnsToTheRequestedPage()
    {
        output.WriteLine($"photos imported {app.ImportPath}");
        var context = await AdminAppFixture.NewContextAsync(app.Browser, null);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url("/Persons"));
        Assert.Contains("/Account/Login", page.Url);
        await app.ScreenshotAsync(page, "01-login");

        await page.FillAsync("#Input_Username", app.Username);
        await page.FillAsync("#Input_Password", app.Password + "x");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator(".validation-summary-errors")).ToContainTextAsync("Wrong user name or password");

        await page.FillAsync("#Input_Password", app.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(new Regex("/Persons$"));
        await context.CloseAsync();
    }

    [Fact, Step(2)]
    public async Task PersonsPageShowsTheFivePeopleOfTheTrainPhotos()
    {
        var page = await app.NewSignedInPageAsync();
        await page.GotoAsync(Url("/Persons"));
        await Assertions.Expect(page.Locator(".person-card")).ToHaveCountAsync(5);
        Assert.Equal("5", await page.TextContentAsync("[data-testid=persons-total]"));
        // Every card shows a real crop (the browser decoded it), not a broken image. Crops load lazily and, on a
        // busy machine, after the cards appear: wait until every image has finished, then count the decoded ones.
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.person-card img')].every(i => i.complete)");
        var decoded = await page.EvalOnSelectorAllAsync<int>(".person-card img", "imgs => imgs.filter(i => i.complete && i.naturalWidth > 0).length");
        Assert.Equal(5, decoded);
        await app.ScreenshotAsync(page, "02-persons");
    }

    [Fact, Step(3)]
    public async Task RenamingAPersonShowsTheNameAndLeavesFourUnnamed()
    {
        var obama = await app.PersonOfSourceAsync("train/obama");
        var page = await app.NewSignedInPageAsync();
        await page.GotoAsync(Url($"/Persons/Details/{obama}"));
        await page.FillAsync("#Input_Name", "Barack Obama");
        await page.ClickAsync("form[action*=Rename] button");
        await Assertions.Expect(page.Locator("[data-testid=person-name]")).ToContainTextAsync("Barack Obama");
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Renamed");
        await app.ScreenshotAsync(page, "03-person");

        await page.GotoAsync(Url("/Persons?q=obama"));
        await Assertions.Expect(page.Locator(".person-card")).ToHaveCountAsync(1);
        await page.GotoAsync(Url("/Persons?show=unnamed"));
        await Assertions.Expect(page.Locator(".person-card")).ToHaveCountAsync(4);
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'person.rename' AND subject = @s", ("s", obama.ToString())));
    }

    [Fact, Step(4)]
    public async Task MergingMovesTheFacesWritesTheAuditAndUndoRestoresBothPersons()
    {
        var obama = await app.PersonOfSourceAsync("train/obama");
        var biden = await app.PersonOfSourceAsync("train/biden");
        var obamaFaces = await FaceIdsAsync(obama);
        var bidenFaces = await FaceIdsAsync(biden);
        var page = await app.NewSignedInPageAsync();

        await page.GotoAsync(Url($"/Persons/Details/{biden}"));
        // The picker searches by name and shows covers: "obama" leaves only the person renamed in step 3.
        await page.FillAsync("#Mq", "obama");
        await page.ClickAsync(".merge-picker button:has-text('Search')");
        await Assertions.Expect(page.Locator(".picker li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($".picker li[data-person-id='{obama}'] img")).ToHaveCountAsync(1);
        await page.ClickAsync($".picker li[data-person-id='{obama}'] a");
        await Assertions.Expect(page.Locator("[data-testid=combined-count]")).ToHaveTextAsync((obamaFaces.Count + bidenFaces.Count).ToString());
        await app.ScreenshotAsync(page, "04-merge-preview");
        await page.ClickAsync("text=Confirm merge");

        await page.WaitForURLAsync($"**/Persons/Details/{obama}");
        await Assertions.Expect(page.Locator("[data-testid=face-count]")).ToHaveTextAsync((obamaFaces.Count + bidenFaces.Count).ToString());
        var shown = await page.EvalOnSelectorAllAsync<string[]>(".face", "els => els.map(e => e.dataset.faceId)");
        Assert.Equal(obamaFaces.Concat(bidenFaces).Order(), shown.Select(Guid.Parse).Order());
        await app.ScreenshotAsync(page, "05-person-after-merge");

        // The newest edit (the person page views since are audited reads, listed under Kind=read).
        await page.GotoAsync(Url("/Audit?Kind=edit"));
        var firstRow = page.Locator("#audit tbody tr").First;
        await Assertions.Expect(firstRow).ToContainTextAsync("person.merge");
        await Assertions.Expect(firstRow).ToContainTextAsync(app.Username);
        await app.ScreenshotAsync(page, "06-audit");

        await page.GotoAsync(Url($"/Persons/Details/{obama}"));
        await page.ClickAsync("text=Undo merge");
        await page.WaitForURLAsync($"**/Persons/Details/{biden}");
        await Assertions.Expect(page.Locator("[data-testid=face-count]")).ToHaveTextAsync(bidenFaces.Count.ToString());
        Assert.Equal(bidenFaces.Order(), (await FaceIdsAsync(biden)).Order());
        Assert.Equal(obamaFaces.Order(), (await FaceIdsAsync(obama)).Order());
        Assert.Equal("Barack Obama", await app.ScalarAsync<string>("SELECT name FROM persons WHERE id = @id", ("id", obama)));
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'person.unmerge'"));
    }

    [Fact, Step(5)]
    public async Task SplittingAFaceOffMakesANewPersonWithThatFace()
    {
        var obama = await app.PersonOfSourceAsync("train/obama");
        var before = await FaceIdsAsync(obama);
        Assert.True(before.Count >= 2, $"obama has {before.Count} faces; the split needs two");
        var page = await app.NewSignedInPageAsync();
        await page.GotoAsync(Url($"/Persons/Details/{obama}"));
        var face = await page.Locator(".face").First.GetAttributeAsync("data-face-id");
        await page.CheckAsync($".face[data-face-id='{face}'] input[type=checkbox]");
        await page.SelectOptionAsync("#MoveTarget", "new");
        await page.ClickAsync("#faces-form button:has-text('Move')");

        await page.WaitForURLAsync(u => u.Contains("/Persons/Details/") && !u.Contains(obama.ToString()));
        await Assertions.Expect(page.Locator("[data-testid=face-count]")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator($".face[data-face-id='{face}']")).ToHaveCountAsync(1);
        await app.ScreenshotAsync(page, "07-person-split");
        Assert.Equal(before.Count - 1, (await FaceIdsAsync(obama)).Count);
        await page.GotoAsync(Url("/Persons"));
        await Assertions.Expect(page.Locator(".person-card")).ToHaveCountAsync(6);
    }

    [Fact, Step(6)]
    public async Task ExplorerFilteredByOneEmotionListsOnlyItAndTheCsvHasTheSameRows()
    {
        var emotion = await app.ScalarAsync<string>("SELECT dominant FROM emotions GROUP BY dominant ORDER BY count(*) DESC, dominant LIMIT 1");
        var expected = await app.ScalarAsync<long>("SELECT count(*) FROM emotions WHERE dominant = @e", ("e", emotion));
        var all = await app.ScalarAsync<long>("SELECT count(*) FROM emotions");
        output.WriteLine($"filter {emotion}: {expected} of {all} rows");
        var page = await app.NewSignedInPageAsync();
        await page.GotoAsync(Url("/Emotions"));
        await page.SelectOptionAsync("#Emotion", emotion);
        await page.ClickAsync("form.filters button[type=submit]");
        await page.WaitForURLAsync($"**Emotion={emotion}**");

        Assert.Equal(expected.ToString(), await page.TextContentAsync("[data-testid=emotions-total]"));
        var cells = await page.EvalOnSelectorAllAsync<string[]>("#emotion-table .emotion-cell", "els => els.map(e => e.textContent.trim())");
        Assert.Equal((int)expected, cells.Length);
        Assert.All(cells, c => Assert.Equal(emotion, c));
        var pieTotal = await page.EvaluateAsync<int>("window.emotionCharts.distribution.data.datasets[0].data.reduce((a, b) => a + b, 0)");
        Assert.Equal((int)expected, pieTotal);
        await app.ScreenshotAsync(page, "08-emotions");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#csv-link"));
        Assert.Null(await download.FailureAsync());
        var csvPath = Path.Combine(Path.GetTempPath(), $"emotions-{Guid.NewGuid():N}.csv");
        await download.SaveAsAsync(csvPath);
        var lines = (await File.ReadAllLinesAsync(csvPath)).Where(l => l.Length > 0).ToList();
        File.Delete(csvPath);
        var header = lines[0].Split(',');
        var dominant = Array.IndexOf(header, "dominant");
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal((int)expected, rows.Count);
        Assert.All(rows, r => Assert.Equal(emotion, r[dominant]));
        var tableIds = await page.EvalOnSelectorAllAsync<string[]>("#emotion-table tbody tr", "els => els.map(e => e.dataset.id)");
        Assert.Equal(tableIds, rows.Select(r => r[0]));
    }

    [Fact, Step(7)]
    public async Task DashboardDrawsItsChartsWithDataAndItsFiguresChangeWhenFramesArrive()
    {
        var page = await app.NewSignedInPageAsync();
        await page.GotoAsync(Url("/Dashboard"));
        await page.WaitForFunctionAsync("() => window.dashboardState && window.dashboardState.scatter");
        Assert.True(await page.EvaluateAsync<int>("window.dashboardState.pie.data.datasets[0].data.reduce((a, b) => a + b, 0)") > 0);
        Assert.True(await page.EvaluateAsync<int>("window.dashboardState.scatter.data.datasets.reduce((a, d) => a + d.data.length, 0)") > 0);
        foreach (var canvas in new[] { "#chart-emotions", "#chart-positions" })
            Assert.True(await PaintedPixelsAsync(page, canvas) > 500, $"{canvas} is blank");
        var frames = await page.TextContentAsync("#fig-frames");
        var faces = await page.TextContentAsync("#fig-faces");
        await app.ScreenshotAsync(page, "09-dashboard");

        var added = await app.ImportMoreAsync();
        output.WriteLine($"dashboard: frames {frames}, faces {faces}; imported {added} more faces");
        await Assertions.Expect(page.Locator("#fig-frames")).Not.ToHaveTextAsync(frames!, new() { Timeout = 30000 });
        await Assertions.Expect(page.Locator("#fig-faces")).Not.ToHaveTextAsync(faces!, new() { Timeout = 30000 });
        // The rate covers the last 30 s, and the new faces were stored moments ago.
        await Assertions.Expect(page.Locator("#fig-faces-ps")).Not.ToHaveTextAsync("0.0");
        await app.ScreenshotAsync(page, "10-dashboard-after");
    }

    [Fact, Step(8)]
    public async Task ApiKeyIsShownOnceStoredHashedAndRevokedWithAudit()
    {
        var page = await app.NewSignedInPageAsync();
        await page.GotoAsync(Url("/ApiKeys"));
        await page.FillAsync("#Input_Name", "porch camera");
        await page.ClickAsync("text=Create key");
        var key = (await page.TextContentAsync("#new-key"))!.Trim();
        Assert.StartsWith("fa_", key);
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE hash = @h AND name = 'porch camera'",
            ("h", Core.Data.Entities.ApiKey.ComputeHash(key))));
        await app.ScreenshotAsync(page, "11-apikeys");
        await page.ReloadAsync();
        Assert.Equal(0, await page.Locator("#new-key").CountAsync());

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.ClickAsync("#keys tr:has-text('porch camera') button:has-text('Revoke')");
        await Assertions.Expect(page.Locator("#keys tr:has-text('porch camera')")).ToContainTextAsync("revoked");
        Assert.Equal(2L, await app.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action IN ('apikey.create', 'apikey.revoke')"));
    }

    [Fact, Step(9)]
    public async Task SuggestionsOfferTheSplitOffFaceBackAndRememberNotTheSamePerson()
    {
        var obama = await app.PersonOfSourceAsync("train/obama");
        var split = await app.ScalarAsync<Guid>("SELECT person_id FROM faces WHERE source = 'train/obama' AND person_id <> @o LIMIT 1", ("o", obama));
        var page = await app.NewSignedInPageAsync();
        await page.GotoAsync(Url("/Suggestions"));
        var card = page.Locator($".suggestion[data-pair*='{split}'][data-pair*='{obama}']");
        await Assertions.Expect(card).ToHaveCountAsync(1);
        await app.ScreenshotAsync(page, "12-suggestions");

        await card.Locator("button:has-text('Not the same person')").ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("not the same person");
        await Assertions.Expect(page.Locator($".suggestion[data-pair*='{split}'][data-pair*='{obama}']")).ToHaveCountAsync(0);
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM person_pair_rejections"));
    }

    [Fact, Step(10)]
    public async Task AuditAndWebcamPagesRender()
    {
        var page = await app.NewSignedInPageAsync();
        foreach (var (path, name) in new[] { ("/Audit", "13-audit-all"), ("/Webcam", "14-webcam") })
        {
            var response = await page.GotoAsync(Url(path));
            Assert.Equal(200, response!.Status);
            await app.ScreenshotAsync(page, name);
        }
    }

    [PipelineFact, Step(12)]
    public async Task RunningAnIndexRebuildFromTheJobsPageCompletesAndIsAudited()
    {
        // The Jobs page goes through the same outbox and workers as POST /api/jobs/{kind}; it polls while a job is active.
        var page = await app.NewSignedInPageAsync();
        await page.GotoAsync(Url("/Jobs"));
        await page.ClickAsync("[data-testid=run-reindex]");
        var row = page.Locator("#jobs tbody tr").Filter(new() { HasText = "reindex" }).First;
        await Assertions.Expect(row.Locator(".job-status")).ToHaveTextAsync("done", new() { Timeout = 60000 });
        await app.ScreenshotAsync(page, "16-jobs");
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE kind = 'reindex' AND status = 'done'"));
        Assert.True(await app.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'job.request'") >= 1);
    }

    [PipelineFact, Step(11)]
    public async Task WebcamPageDrawsABoxAroundAFaceFromTheFakeCamera()
    {
        var clip = Path.Combine(SharedData.Directory(), "video/short_hamilton_clip.mp4");
        Assert.True(File.Exists(clip), $"{clip} is missing");
        var dir = Directory.CreateTempSubdirectory("faceaspire-webcam-");
        try
        {
            var y4m = Path.Combine(dir.FullName, "camera.y4m");
            await FfmpegAsync("-v", "error", "-y", "-i", clip, "-t", "6", "-vf", "scale=640:360,fps=10", "-pix_fmt", "yuv420p", y4m);
            await using var browser = await (await Playwright.CreateAsync()).Chromium.LaunchAsync(new()
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--use-fake-device-for-media-stream",
                        "--use-fake-ui-for-media-stream", $"--use-file-for-fake-video-capture={y4m}"],
            });
            var context = await AdminAppFixture.NewContextAsync(browser, app.StorageStatePath);
            await context.GrantPermissionsAsync(["camera"], new() { Origin = app.Admin.BaseUrl });
            var page = await context.NewPageAsync();
            await page.GotoAsync(app.Admin.BaseUrl + "/Webcam");
            await page.SelectOptionAsync("#rate", "2");
            await page.ClickAsync("#start");
            await page.WaitForFunctionAsync("() => Number(document.getElementById('overlay').dataset.faces || 0) >= 1",
                null, new() { Timeout = 60000 });
            output.WriteLine($"status: {await page.TextContentAsync("#webcam-status")}; sent {await page.TextContentAsync("#sent")}");
            Assert.True(await app.ScalarAsync<long>("SELECT count(*) FROM faces WHERE source = 'admin-webcam'") >= 1);
            await app.ScreenshotAsync(page, "15-webcam-live");
            await page.ClickAsync("#stop");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact, Step(13)]
    public async Task DeletingAPersonErasesItsFacesAndAStalePageSaysItIsGoneInsteadOfFailing()
    {
        var rose = await app.PersonOfSourceAsync("train/rose_leslie");
        var faces = await FaceIdsAsync(rose);
        Assert.NotEmpty(faces);
        var page = await app.NewSignedInPageAsync();
        var stale = await app.NewSignedInPageAsync(); // the same person open in a second tab
        foreach (var p in new[] { page, stale })
        {
            p.Dialog += (_, dialog) => dialog.AcceptAsync(); // the "Delete this person…?" confirmation
            await p.GotoAsync(Url($"/Persons/Details/{rose}"));
        }

        await page.ClickAsync("form[action*=Delete] button");
        await page.WaitForURLAsync(new Regex("/Persons$"));
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync($"Person deleted with {faces.Count} face(s)");
        await app.ScreenshotAsync(page, "17-person-deleted");
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM faces WHERE id = ANY(@f)", ("f", faces.ToArray())));
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM emotions WHERE face_id = ANY(@f)", ("f", faces.ToArray())));

        await stale.ClickAsync("form[action*=Delete] button");
        await stale.WaitForURLAsync(new Regex("/Persons$"));
        await Assertions.Expect(stale.Locator(".flash.error")).ToContainTextAsync("no longer exists");
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'person.delete' AND subject = @s",
            ("s", rose.ToString())));
    }

    [Fact, Step(14)]
    public async Task TheFramesPageCountsByStatusListsFailuresWithReasonsAndQueuesTheRetryableOnesAgain()
    {
        // Failures as the worker records them: one about the image, two that ran out of retries (unequal counts, so
        // that a count of the wrong kind shows).
        var aboutTheImage = Guid.CreateVersion7();
        var ranOutOfRetries = Guid.CreateVersion7();
        foreach (var (id, error) in new[] { (aboutTheImage, $"{FrameFailures.Undecodable}: test"),
                                            (ranOutOfRetries, $"{FrameFailures.RetriesExhausted}: Npgsql.NpgsqlException: test"),
                                            (Guid.CreateVersion7(), $"{FrameFailures.RetriesExhausted}: System.TimeoutException: test") })
            await app.ScalarAsync<int>("""
                INSERT INTO frames (id, sha256, source, captured_at, status, error, attempts)
                VALUES (@id, @sha, 'frames-page-test', now(), 'failed', @e, 3) RETURNING 1
                """, ("id", id), ("sha", Guid.NewGuid().ToString("N")), ("e", error));
        var failed = await app.ScalarAsync<long>("SELECT count(*) FROM frames WHERE status = 'failed'");
        var done = await app.ScalarAsync<long>("SELECT count(*) FROM frames WHERE status = 'done'");

        var page = await app.NewSignedInPageAsync();
        await page.GotoAsync(Url("/Frames"));
        Assert.Equal(failed.ToString(), await page.TextContentAsync("[data-testid=count-failed]"));
        Assert.Equal(done.ToString(), await page.TextContentAsync("[data-testid=count-done]"));
        await Assertions.Expect(page.Locator("#failed-frames tr[data-frame-id]")).ToHaveCountAsync((int)failed);
        await Assertions.Expect(page.Locator($"tr[data-frame-id='{aboutTheImage}'] .again")).ToHaveTextAsync("no: the image");
        await Assertions.Expect(page.Locator($"tr[data-frame-id='{ranOutOfRetries}'] .again")).ToHaveTextAsync("reprocess");
        await Assertions.Expect(page.Locator($"tr[data-frame-id='{ranOutOfRetries}']")).ToContainTextAsync("NpgsqlException");
        await app.ScreenshotAsync(page, "18-frames");

        // The page counts in SQL what the job decides in C# (FrameFailures): both must agree.
        var errors = await app.ScalarAsync<string?[]>("SELECT coalesce(array_agg(error), '{}') FROM frames WHERE status = 'failed'");
        var retryable = errors.Count(e => !FrameFailures.IsAboutTheImage(e));
        Assert.NotEqual(errors.Length - retryable, retryable);
        await Assertions.Expect(page.Locator("[data-testid=reprocess]")).ToContainTextAsync($"Reprocess {retryable} failed frame");
        await page.ClickAsync("[data-testid=reprocess]");
        await page.WaitForURLAsync(new Regex("/Jobs$"));
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("reprocess job");
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE kind = 'reprocess'"));
    }

    [Fact, Step(15)]
    public async Task WhileTheDatabaseIsDownPagesAnswer503SayingSoAndAFailedFormPostChangesNothing()
    {
        var obama = await app.PersonOfSourceAsync("train/obama");
        const string NameSql = "SELECT coalesce(name, '') FROM persons WHERE id = @id";
        var name = await app.ScalarAsync<string>(NameSql, ("id", obama));
        var page = await app.NewSignedInPageAsync();
        var form = await app.NewSignedInPageAsync();
        await form.GotoAsync(Url($"/Persons/Details/{obama}"));

        await app.Database.WithDatabaseDownAsync(async () =>
        {
            var response = await page.GotoAsync(Url("/Persons"));
            Assert.True(response!.Status == 503, $"{response.Status}: {await page.ContentAsync()}\n{app.Admin.Tail()}");
            Assert.Equal("5", await response.HeaderValueAsync("retry-after"));
            await Assertions.Expect(page.Locator("[data-testid=database-unavailable]")).ToContainTextAsync("cannot be reached");
            await app.ScreenshotAsync(page, "19-database-unavailable");

            // A form that was loaded before the outage, posted during it.
            await form.FillAsync("#Input_Name", "Renamed during the outage");
            var posted = await form.RunAndWaitForResponseAsync(() => form.ClickAsync("form[action*=Rename] button"),
                r => r.Request.Method == "POST");
            Assert.Equal(503, posted.Status);
            await Assertions.Expect(form.Locator("[data-testid=database-unavailable]")).ToBeVisibleAsync();
        });

        Assert.Equal(name, await app.ScalarAsync<string>(NameSql, ("id", obama)));
        var after = await page.GotoAsync(Url($"/Persons/Details/{obama}"));
        Assert.Equal(200, after!.Status);
        await Assertions.Expect(page.Locator("#Input_Name")).ToBeVisibleAsync();
    }

    private async Task<List<Guid>> FaceIdsAsync(Guid person)
    {
        var ids = await app.ScalarAsync<Guid[]>("SELECT coalesce(array_agg(id), '{}') FROM faces WHERE person_id = @p", ("p", person));
        return [.. ids];
    }

    private static Task<int> PaintedPixelsAsync(IPage page, string selector) =>
        page.EvalOnSelectorAsync<int>(selector, """
            c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }
            """);

    private static async Task FfmpegAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"ffmpeg failed: {stderr}");
    }

    [Fact, Step(16)]
    public async Task ForgettingAPersonAsksFirstThenErasesItAndTheAuditShowsWhoReadAndWhoForgot()
    {
        var kit = await app.PersonOfSourceAsync("train/kit_harington");
        var faces = await FaceIdsAsync(kit);
        Assert.NotEmpty(faces);
        var page = await app.NewSignedInPageAsync();
        await page.GotoAsync(Url($"/Persons/Details/{kit}"));
        await page.ClickAsync("[data-testid=forget]");
        // The confirmation is a page of its own (no script prompt under the CSP); nothing is erased yet.
        await page.WaitForURLAsync(new Regex($"/Persons/Forget/{kit}$"));
        await Assertions.Expect(page.Locator("[data-testid=forget-faces]")).ToHaveTextAsync(faces.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(faces.Count, (int)await app.ScalarAsync<long>("SELECT count(*) FROM faces WHERE person_id = @p", ("p", kit)));
        await app.ScreenshotAsync(page, "20-forget-confirm");

        await page.ClickAsync("[data-testid=forget-confirm]");
        await page.WaitForURLAsync(new Regex("/Persons$"));
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync($"Person forgotten: {faces.Count} face(s)");
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM faces WHERE id = ANY(@f)", ("f", faces.ToArray())));
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM persons WHERE id = @p", ("p", kit)));

        // The Audit page, filtered by the person: the operator's read of the person page, then the forget.
        await page.GotoAsync(Url($"/Audit?Person={kit}"));
        var actions = await page.Locator("#audit tbody .badge").AllTextContentsAsync();
        Assert.Equal(["person.forget", "read.person"], actions);
        await page.GotoAsync(Url($"/Audit?Person={kit}&Kind=read"));
        Assert.Equal(["read.person"], await page.Locator("#audit tbody .badge").AllTextContentsAsync());
        await app.ScreenshotAsync(page, "21-audit-by-person");
    }
}
