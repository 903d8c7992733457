using FaceAspire.Bench.Chaos;
using FaceAspire.Testing;
using Xunit.Abstractions;

namespace FaceAspire.Chaos.Tests;

/// <summary>
/// The chaos run (docs/reliability.md), short: 150 real photos, some with several faces, some posted twice, through a
/// killed worker, RabbitMQ, PostgreSQL and Api restarts and a worker paused past its consumer timeout. Every accepted
/// frame must be done exactly once, as a calm analysis of its picture says.
/// </summary>
public sealed class ChaosRunTests(ITestOutputHelper output)
{
    [SharedDataFact]
    public async Task EveryAcceptedFrameIsDoneExactlyOnceThroughEveryFault()
    {
        var settings = new ChaosSettings(Photos: 150, Rate: 5, ConsumerTimeoutSeconds: 45, RepeatEvery: 10, VideoFrames: 10,
            DrainTimeout: TimeSpan.FromMinutes(4));
        using var log = new StringWriter();
        var report = await ChaosRun.RunAsync(settings, log);
        report.Print(log);
        output.WriteLine(log.ToString());

        Assert.Equal(5, report.Faults.Count(f => char.IsDigit(f[0])));
        Assert.DoesNotContain(report.Faults, f => f.StartsWith("unexpected", StringComparison.Ordinal) || f.Contains("EXITED", StringComparison.Ordinal));
        // The faults were felt: the client retried, and some frame was delivered again.
        Assert.NotEmpty(report.Retries);
        Assert.True(report.ClaimedAgain + report.RedeliveriesAbsorbed > 0, "no frame was redelivered");
        // Refusals only for what the Api must refuse (an image it cannot read), never for an outage.
        Assert.All(report.Refused.Keys, reason => Assert.Matches("^4(00|13|15|22) ", reason));
        Assert.Equal(0, report.SplitPictures);
        Assert.Equal(0, report.Lost);
        Assert.Empty(report.ProcessedTwice);
        Assert.Equal(report.Frames.Count(f => f.Status == "done"), report.DoneEvents);
        Assert.Empty(report.IngestedTwice);
        Assert.Empty(report.Mismatches);
        Assert.Empty(report.ErrorQueues);
        Assert.NotNull(report.DrainTime);
    }
}
