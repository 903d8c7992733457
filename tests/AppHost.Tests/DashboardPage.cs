using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace FaceAspire.AppHost.Tests;

/// <summary>
/// The Aspire dashboard in a headless Debian Chromium driven by Microsoft.Playwright, logged in with the token of the
/// AppHost's login URL. Reads the Traces page as a user does.
/// </summary>
internal sealed partial class DashboardPage : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly IPage _page;
    private readonly string _baseUrl;

    private DashboardPage(IPlaywright playwright, IBrowser browser, IPage page, string baseUrl)
    {
        _playwright = playwright;
        _browser = browser;
        _page = page;
        _baseUrl = baseUrl;
    }

    /// <summary>Opens <paramref name="loginUrl"/> (<c>http://host:port/login?t=TOKEN</c>), which signs the browser in.</summary>
    public static async Task<DashboardPage> OpenAsync(string loginUrl)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1200 } });
        await page.GotoAsync(loginUrl);
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        return new DashboardPage(playwright, browser, page, new Uri(loginUrl).GetLeftPart(UriPartial.Authority));
    }

    /// <summary>The trace id of the newest trace whose name starts with <paramref name="name"/> (e.g.
    /// <c>api: POST /api/frames</c>) on the Traces page, waiting up to <paramref name="timeout"/> for it to arrive
    /// (services export in batches every few seconds).</summary>
    /// <exception cref="TimeoutException">No such trace in time.</exception>
    public async Task<string> NewestTraceIdAsync(string name, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            await _page.GotoAsync(_baseUrl + "/traces");
            await _page.WaitForSelectorAsync("td[title^='Name:']", new() { Timeout = 15_000 });
            // Each row's name cell has the title "Name: <trace name>\nTrace Id: <id>"; rows run oldest to newest.
            var titles = await _page.Locator("td[title^='Name:']").EvaluateAllAsync<string[]>("cells => cells.map(c => c.getAttribute('title'))");
            var ids = titles.Select(t => TraceTitle().Match(t)).Where(m => m.Success && m.Groups[1].Value.StartsWith(name, StringComparison.Ordinal))
                .Select(m => m.Groups[2].Value).ToList();
            if (ids.Count > 0)
                return ids[^1];
            if (watch.Elapsed > timeout)
                throw new TimeoutException($"no trace named '{name}…' on the Traces page within {timeout}");
            await Task.Delay(2000);
        }
    }

    /// <summary>The text of the trace's detail page (span names, resources, durations), once it lists
    /// <paramref name="lastSpan"/> (spans of other services arrive in their own export batches).</summary>
    public async Task<string> TraceDetailAsync(string traceId, string lastSpan, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            await _page.GotoAsync($"{_baseUrl}/traces/detail/{traceId}");
            await _page.WaitForSelectorAsync("text=Total spans", new() { Timeout = 15_000 });
            var text = await _page.InnerTextAsync("main");
            if (text.Contains(lastSpan, StringComparison.Ordinal) || watch.Elapsed > timeout)
                return text;
            await Task.Delay(2000);
        }
    }

    /// <summary>Opens the details pane of the first span named <paramref name="span"/> on the trace detail page and
    /// returns the page's text once the pane lists <paramref name="attribute"/> (e.g. <c>frame.id</c>).</summary>
    public async Task<string> SpanDetailsAsync(string span, string attribute)
    {
        await _page.GetByText(span, new() { Exact = true }).First.ClickAsync();
        await _page.GetByText(attribute, new() { Exact = true }).First.WaitForAsync(new() { Timeout = 15_000 });
        return await _page.InnerTextAsync("body");
    }

    /// <summary>Saves a full-page screenshot under artifacts/screenshots/ of the repository; returns its path.</summary>
    public async Task<string> ScreenshotAsync(string file)
    {
        var path = Path.Combine(RepositoryRoot.Find(), "artifacts", "screenshots", file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await _page.ScreenshotAsync(new() { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [GeneratedRegex(@"^Name: (.*)\nTrace Id: (\w+)")]
    private static partial Regex TraceTitle();
}
