namespace FaceAspire.Bench.Tests;

/// <summary>The bench's commands run as processes, as a person or a script runs them: each prints its figures and
/// exits 0. The figures themselves are not judged here (they are the machine's); their lines are what scripts parse.</summary>
public sealed class BenchCommandTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "FaceAspire.Bench.dll");

    [SharedDataFact]
    public void VisionPrintsBothWorkloadsAndNoFlipEmbedsOnceUnderItsOwnModelTag()
    {
        string[] quick = ["vision", "--seconds", "1", "--warmup", "0", "--threads", "1"];
        var flip = ToolProcess.Run(Dll, quick);
        Assert.True(flip.Code == 0, flip.Stderr);
        var noFlip = ToolProcess.Run(Dll, [.. quick, "--no-flip"]);
        Assert.True(noFlip.Code == 0, noFlip.Stderr);
        foreach (var output in new[] { flip.Stdout, noFlip.Stdout })
        {
            // The lines bench/compare-vision.sh and tests/Worker.Bench parse.
            Assert.Matches(@"(?m)^single-face 640x480 \(\d+ frames\), 1 thread\(s\), [\d.]+ s: [\d.]+ frames/s", output);
            Assert.Matches(@"(?m)^group selfie-many-people\.jpg, 1 thread\(s\), [\d.]+ s: [\d.]+ frames/s, [\d.]+ faces/s", output);
            Assert.DoesNotContain("2 thread(s)", output);
        }
        // The stored tag names the pipeline, so vectors of the two are never compared.
        Assert.Matches(@"embedding fr_feature@87aacdfe5751\+flip-[0-9a-f]{8}", flip.Stdout);
        Assert.Matches(@"embedding fr_feature@87aacdfe5751\+single-[0-9a-f]{8}", noFlip.Stdout);
    }

    [SharedDataFact]
    public void CalibrateIdentityScoresEverySetAndAllPairsTogether()
    {
        using var sets = SmallIdentitySets.Create();
        var result = ToolProcess.Run(Dll, ["calibrate-identity", "--data", sets.Root]);
        Assert.True(result.Code == 0, result.Stderr);
        Assert.Matches(@"embedding fr_feature@\w+\+flip-[0-9a-f]{8}, threshold 0\.\d\d", result.Stdout);
        foreach (var set in new[] { "face_recognition train", "lfw12", "deepface master.csv", "all" })
            Assert.Matches($@"(?m)^{set} +pairs +\d+ \(same +\d+\)  AUC [01]\.\d{{4}}  best threshold", result.Stdout);
        // 2 + 2 photos per folder set: 6 pairs each, 2 of them same-person; and the 2 labelled deepface pairs.
        Assert.Matches(@"(?m)^all +pairs +14 \(same +5\)", result.Stdout);
    }

    [SharedDataFact]
    public void EvaluateEmotionsPrintsAccuracyAndTheConfusionMatrix()
    {
        var labels = Path.Combine(Path.GetTempPath(), $"faceaspire-labels-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(labels, File.ReadLines(SharedData.PathOf("emotions/labels.csv")).Take(13));
        try
        {
            var result = ToolProcess.Run(Dll, ["evaluate-emotions", SharedData.PathOf("emotions/images"), "--labels", labels, "--model", "mini_xception"]);
            Assert.True(result.Code == 0, result.Stderr);
            Assert.Matches(@"model mini_xception\S*: (\d+) faces evaluated, (\d+) skipped \(no face/undecodable\), (\d+) excluded", result.Stdout);
            Assert.Matches(@"accuracy [\d.]+ %   mean class recall [\d.]+ %", result.Stdout);
            Assert.Contains("actual\\pred", result.Stdout);
        }
        finally
        {
            File.Delete(labels);
        }
    }

    [SharedDataFact]
    public void IngestStartsItsOwnContainersAndEveryFrameIsAccepted()
    {
        // Needs the container engine's API (infra/with-containers.sh), as every integration test here.
        var result = ToolProcess.Run(Dll, ["ingest", "-n", "60", "-c", "2,4", "--warmup", "10"], timeout: TimeSpan.FromMinutes(4));
        Assert.True(result.Code == 0, result.Stdout + result.Stderr);
        foreach (var concurrency in new[] { 2, 4 })
            Assert.Matches($@"ingest: 60 distinct [\d.]+ KB JPEGs, {concurrency} concurrent, raw image/jpeg → http://127\.0\.0\.1:\d+/", result.Stdout);
        Assert.Equal(2, result.Stdout.Split('\n').Count(l => l.StartsWith("accepted 60/60 in ", StringComparison.Ordinal)));
        // The Api ran in the bench's process: its group-commit histogram was read, its CPU counted as this process's.
        Assert.Matches(@"group commit: \d+ statements, [\d.]+ frames each on average", result.Stdout);
        Assert.Matches(@"CPU ms per accepted frame: api \+ client [\d.]+, postgres [\d.]+, rabbitmq [\d.]+", result.Stdout);
    }
}
