using FaceAspire.Core.Contracts;
using FaceAspire.Testing;
using FaceAspire.Worker.IntegrationTests.Support;

namespace FaceAspire.Worker.IntegrationTests;

/// <summary>
/// The prefetch a worker asks RabbitMQ for on <c>analyze-frame</c> (<c>Worker:PrefetchCount</c>): by default one
/// more than its concurrency, so the next frame is in the process when one is acknowledged. Out-of-range settings of
/// the frame slots stop the worker at start.
/// </summary>
public sealed class PrefetchTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task AWorkerPrefetchesOneMoreThanItsConcurrencyUnlessConfiguredOtherwise()
    {
        await fx.StartWorkerAsync("default-prefetch", concurrency: 2);
        await fx.StartWorkerAsync("set-prefetch", concurrency: 2, new Dictionary<string, string> { ["Worker__PrefetchCount"] = "7" });

        var counts = await fx.ConsumerPrefetchCountsAsync(MessagingNames.AnalyzeFrameQueue);

        Assert.Equal([3, 7], counts.Order());
    }

    [Theory]
    [InlineData("PrefetchCount", "0")]
    [InlineData("AnalysisSlots", "0")]
    [InlineData("AnalysisSlots", "65")]
    [InlineData("AnalysisScope", "Everywhere")]
    public async Task AnInvalidSettingStopsTheWorkerBeforeItConsumesAnything(string setting, string value)
    {
        await using var worker = ServiceProcess.Start(PipelineFixture.WorkerProcessOptions($"bad-{setting}",
            fx.WorkerEnvironment(2, new Dictionary<string, string> { [$"Worker__{setting}"] = value })));

        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(worker.Lines, l => l.Contains(setting, StringComparison.Ordinal));
        // The other test's workers may still be consuming in this vhost; none may have an unlimited prefetch (0).
        Assert.DoesNotContain(0, await fx.ConsumerPrefetchCountsAsync(MessagingNames.AnalyzeFrameQueue));
    }
}
