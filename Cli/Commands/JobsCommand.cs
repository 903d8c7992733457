using System.CommandLine;
using System.Text.Json;
using FaceAspire.ApiClient;
using FaceAspire.Cli.CommandLine;
using FaceAspire.Cli.Import;
using Microsoft.Extensions.DependencyInjection;

namespace FaceAspire.Cli.Commands;

/// <summary>
/// <c>jobs run KIND [--params JSON] [--no-wait]</c>, <c>jobs status ID</c>, <c>jobs list</c>: maintenance jobs over the
/// Api (<c>POST /api/jobs/{kind}</c>, <c>GET /api/jobs/{id}</c>); a worker runs them. <c>run</c> follows the progress
/// until the job is done (exit 0) or failed (exit 1). URL and key are found like <c>import</c> finds them. The Api
/// decides which kinds exist and answers an unknown one with 400 and the list (exit 1).
/// </summary>
public static class JobsCommand
{
    /// <summary>The <c>jobs</c> command and its three sub-commands.</summary>
    public static Command Create() => new("jobs", "Maintenance jobs over the API, with progress") { Run(), Status(), List() };

    private static Command Run()
    {
        var kind = new Argument<string>("KIND") { Description = "retention, recluster, reindex, reembed, reprocess or reseal" };
        var parameters = new Option<string?>("--params")
        {
            Description = """The job's parameters as a JSON object, e.g. {"emotionDays":30}""",
            HelpName = "JSON",
            Validators = { r => { if (r.Tokens.Count == 1 && !IsJsonObject(r.Tokens[0].Value)) r.AddError($"--params must be a JSON object, got '{r.Tokens[0].Value}'."); } },
        };
        var noWait = new Option<bool>("--no-wait") { Description = "Print the job's id and return without following it" };
        var api = new ApiConnection();
        var command = new Command("run", "Request a job and follow it until done (exit 0) or failed (exit 1)") { kind, parameters, noWait };
        api.AddTo(command);
        command.SetAction((r, ct) => WithApiAsync(api, r, async client =>
        {
            var name = r.GetValue(kind)!;
            var job = await client.RequestJobAsync(name, r.GetValue(parameters), ct);
            Console.WriteLine(job.Created != false ? $"job {job.Id} ({name}) queued" : $"a {name} job is already active: {job.Id}");
            return r.GetValue(noWait) ? ExitCodes.Ok : await FollowAsync(client, job.Id, once: false, ct);
        }));
        return command;
    }

    private static Command Status()
    {
        var id = new Argument<Guid>("ID") { Description = "The job's id" };
        var api = new ApiConnection();
        var command = new Command("status", "A job's state and progress once (exit 1 when it failed)") { id };
        api.AddTo(command);
        command.SetAction((r, ct) => WithApiAsync(api, r, client => FollowAsync(client, r.GetValue(id), once: true, ct)));
        return command;
    }

    private static Command List()
    {
        var api = new ApiConnection();
        var command = new Command("list", "The jobs the API knows: id, kind, status, done/total, requested at");
        api.AddTo(command);
        command.SetAction((r, ct) => WithApiAsync(api, r, async client =>
        {
            foreach (var j in await client.ListJobsAsync(ct))
                Console.WriteLine($"{j.Id} {j.Kind} {j.Status} {j.Done}/{j.Total?.ToString() ?? "?"} {j.CreatedAt:O}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static async Task<int> WithApiAsync(ApiConnection api, ParseResult result, Func<FaceAspireApiClient, Task<int>> action)
    {
        using var services = api.Connect(result);
        return await action(services.GetRequiredService<FaceAspireApiClient>());
    }

    private static async Task<int> FollowAsync(FaceAspireApiClient api, Guid id, bool once, CancellationToken ct)
    {
        var last = "";
        while (true)
        {
            var job = await api.GetJobAsync(id, ct);
            var line = $"{job.Status} {job.Done}/{job.Total?.ToString() ?? "?"}";
            if (line != last)
                Console.WriteLine(line);
            last = line;
            if (job.Status == "done")
            {
                Console.WriteLine($"result: {job.Result}");
                return ExitCodes.Ok;
            }
            if (job.Status == "failed")
            {
                Console.WriteLine($"error: {job.Error}");
                return ExitCodes.Failure;
            }
            if (once)
                return ExitCodes.Ok;
            await Task.Delay(500, ct);
        }
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
