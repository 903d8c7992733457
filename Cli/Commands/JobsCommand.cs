using System.Text;
using System.Text.Json;
using FaceAspire.Cli.Import;

namespace FaceAspire.Cli.Commands;

/// <summary>
/// <c>jobs run KIND [--params JSON] [--no-wait]</c>, <c>jobs status ID</c>, <c>jobs list</c>: maintenance jobs over the
/// Api (<c>POST /api/jobs/{kind}</c>, <c>GET /api/jobs/{id}</c>); a worker runs them. <c>run</c> follows the progress
/// until the job is done (exit 0) or failed (exit 1). URL and key are found like <c>import</c> finds them.
/// </summary>
public static class JobsCommand
{
    /// <summary>Runs the sub-command; 0 on success, 1 when the job failed or the Api refused, 2 on usage errors.</summary>
    public static int Run(CliArgs args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(CliArgs args)
    {
        var (url, key) = IngestClient.ResolveEndpoint(args.Get("api"), args.Get("key"));
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        switch (args.Positional)
        {
            case ["run", var kind]:
                var body = args.Get("params") is { } p ? new StringContent(p, Encoding.UTF8, "application/json") : null;
                using (var response = await http.PostAsync($"api/jobs/{Uri.EscapeDataString(kind)}", body))
                {
                    var text = await response.Content.ReadAsStringAsync();
                    if (!response.IsSuccessStatusCode)
                    {
                        Console.Error.WriteLine($"HTTP {(int)response.StatusCode}: {text}");
                        return 1;
                    }
                    using var job = JsonDocument.Parse(text);
                    var id = job.RootElement.GetProperty("id").GetGuid();
                    var created = !job.RootElement.TryGetProperty("created", out var c) || c.ValueKind != JsonValueKind.False;
                    Console.WriteLine(created ? $"job {id} ({kind}) queued" : $"a {kind} job is already active: {id}");
                    return args.Has("no-wait") ? 0 : await FollowAsync(http, id);
                }
            case ["status", var idText] when Guid.TryParse(idText, out var jobId):
                return await FollowAsync(http, jobId, once: true);
            case ["list"]:
                Console.WriteLine(await http.GetStringAsync("api/jobs"));
                return 0;
            default:
                throw new UsageException("jobs run retention|recluster|reindex|reembed|reprocess [--params JSON] [--no-wait] | jobs status ID | jobs list");
        }
    }

    private static async Task<int> FollowAsync(HttpClient http, Guid id, bool once = false)
    {
        var last = "";
        while (true)
        {
            using var job = JsonDocument.Parse(await http.GetStringAsync($"api/jobs/{id}"));
            var r = job.RootElement;
            var status = r.GetProperty("status").GetString();
            var total = r.GetProperty("total").ValueKind == JsonValueKind.Number ? r.GetProperty("total").GetInt32().ToString() : "?";
            var line = $"{status} {r.GetProperty("done").GetInt32()}/{total}";
            if (line != last)
                Console.WriteLine(line);
            last = line;
            if (status == "done")
            {
                Console.WriteLine($"result: {r.GetProperty("result")}");
                return 0;
            }
            if (status == "failed")
            {
                Console.WriteLine($"error: {r.GetProperty("error").GetString()}");
                return 1;
            }
            if (once)
                return 0;
            await Task.Delay(500);
        }
    }
}
