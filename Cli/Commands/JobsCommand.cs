using FaceAspire.ApiClient;
using FaceAspire.ApiClient.Contracts;
using FaceAspire.Cli.Import;
using Microsoft.Extensions.DependencyInjection;

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
        using var services = ApiConnection.Connect(args.Get("api"), args.Get("key"));
        var api = services.GetRequiredService<FaceAspireApiClient>();
        try
        {
            switch (args.Positional)
            {
                case ["run", var kind]:
                    var job = await api.RequestJobAsync(kind, args.Get("params"));
                    Console.WriteLine(job.Created != false ? $"job {job.Id} ({kind}) queued" : $"a {kind} job is already active: {job.Id}");
                    return args.Has("no-wait") ? 0 : await FollowAsync(api, job.Id);
                case ["status", var idText] when Guid.TryParse(idText, out var jobId):
                    return await FollowAsync(api, jobId, once: true);
                case ["list"]:
                    foreach (var j in await api.ListJobsAsync())
                        Console.WriteLine($"{j.Id} {j.Kind} {j.Status} {j.Done}/{j.Total?.ToString() ?? "?"} {j.CreatedAt:O}");
                    return 0;
                default:
                    throw new UsageException("jobs run retention|recluster|reindex|reembed|reprocess [--params JSON] [--no-wait] | jobs status ID | jobs list");
            }
        }
        catch (ApiProblemException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    private static async Task<int> FollowAsync(FaceAspireApiClient api, Guid id, bool once = false)
    {
        var last = "";
        while (true)
        {
            var job = await api.GetJobAsync(id);
            var line = $"{job.Status} {job.Done}/{job.Total?.ToString() ?? "?"}";
            if (line != last)
                Console.WriteLine(line);
            last = line;
            if (job.Status == "done")
            {
                Console.WriteLine($"result: {job.Result}");
                return 0;
            }
            if (job.Status == "failed")
            {
                Console.WriteLine($"error: {job.Error}");
                return 1;
            }
            if (once)
                return 0;
            await Task.Delay(500);
        }
    }
}
