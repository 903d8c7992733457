using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using FaceAspire.Core.Contracts;
using FaceAspire.Testing;
using FaceAspire.Worker.IntegrationTests.Support;
using MassTransit;

namespace FaceAspire.Worker.IntegrationTests;

/// <summary>
/// The outbox relay belongs to no host (ADR 0024): every process that writes outbox rows sends them, so the Api can be
/// stopped without stalling what the workers and the admin write.
/// </summary>
public sealed partial class RelayTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task WithTheApiStoppedAWorkersFrameAnalyzedStillReachesASubscriber()
    {
        var analyzed = new ConcurrentQueue<FrameAnalyzed>();
        var subscriber = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(new Uri(fx.MessagingUrl));
            cfg.ReceiveEndpoint(new TemporaryEndpointDefinition(), e => e.Handler<FrameAnalyzed>(c =>
            {
                analyzed.Enqueue(c.Message);
                return Task.CompletedTask;
            }));
        });
        await subscriber.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        try
        {
            var (_, api) = await fx.StartApiAsync();
            Assert.Equal(0, await api.StopAsync(TimeSpan.FromSeconds(60)));
            var worker = await fx.StartWorkerAsync("worker-1", concurrency: 1);

            // The frame's row and AnalyzeFrame as the Api writes them; only the worker runs to send anything.
            var frame = await fx.IngestAsync(await File.ReadAllBytesAsync(TestFrames.PhotosUnder(Path.Combine(TestFrames.KnnTrain, "obama"))[0]), "relay");
            await fx.WaitSettledAsync([frame], TimeSpan.FromMinutes(1));
            await RedeliveryTests.WaitUntilAsync(() => analyzed.Any(a => a.FrameId == frame), TimeSpan.FromSeconds(30), worker, api);

            var received = Assert.Single(analyzed);
            Assert.Equal((frame, FrameStatus.Done, 1), (received.FrameId, received.Status, received.FaceCount));
            Assert.Equal(0L, await fx.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE dispatched_at IS NULL"));
        }
        finally
        {
            await subscriber.StopAsync();
        }
    }

    [Fact]
    public async Task WithTheApiStoppedAnAdminJobRequestStillRuns()
    {
        // No Api; a worker that runs jobs but relays nothing itself: the admin's relay is the only one left.
        var worker = await fx.StartWorkerAsync("worker-jobs", concurrency: 1, new Dictionary<string, string> { ["Outbox__Enabled"] = "false" });
        await using var admin = await ServiceProcess.StartAsync(new ServiceProcessOptions("Admin")
        {
            Name = "admin",
            ListenOnFreePort = true,
            Environment = [.. PipelineFixture.ServiceDefaults, .. fx.WorkerEnvironment(1)],
        }, p => p.WaitForHttpOkAsync($"{p.BaseUrl}/alive", TimeSpan.FromSeconds(90)));

        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(admin.BaseUrl!) };
        // First run: create the operator, sign in, press "retention" on the jobs page (post/redirect/get throughout).
        const string user = "operator", password = "relay-test-password";
        await PostFormAsync(http, "/Account/Setup", "/Account/Setup",
            ("Input.Username", user), ("Input.Password", password), ("Input.Confirm", password));
        await PostFormAsync(http, "/Account/Login", "/Account/Login", ("Input.Username", user), ("Input.Password", password));
        await PostFormAsync(http, "/Jobs", $"/Jobs?handler=Run&kind={Core.Jobs.JobKinds.Retention}");

        var job = await fx.ScalarAsync<Guid>("SELECT id FROM jobs WHERE kind = 'retention'");
        await admin.WaitUntilAsync(async () => await fx.ScalarAsync<string>("SELECT status FROM jobs WHERE id = @id", ("id", job)) == "done",
            TimeSpan.FromSeconds(60), "the retention job to finish\n" + worker.Tail());
        Assert.True(await fx.ScalarAsync<bool>(
            "SELECT dispatched_at IS NOT NULL FROM outbox_messages WHERE message_type = @t AND body->>'jobId' = @id",
            ("t", typeof(RunJob).FullName!), ("id", job.ToString())));
    }

    /// <summary>GETs <paramref name="page"/> for its antiforgery token, POSTs the fields to <paramref name="action"/>,
    /// and expects the redirect of a successful post.</summary>
    private static async Task PostFormAsync(HttpClient http, string page, string action, params (string Name, string Value)[] fields)
    {
        var form = await http.GetStringAsync(page);
        var token = AntiforgeryToken().Match(form);
        Assert.True(token.Success, $"no antiforgery token on {page}:\n{form}");
        using var response = await http.PostAsync(action, new FormUrlEncodedContent(
            [.. fields.Select(f => KeyValuePair.Create(f.Name, f.Value)), KeyValuePair.Create("__RequestVerificationToken", token.Groups[1].Value)]));
        Assert.True(response.IsSuccessStatusCode, $"POST {action}: {(int)response.StatusCode}");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
