using System.Diagnostics;
using System.Text.Json;
using FaceAspire.Vision.Evaluation;

namespace FaceAspire.Cli.Tests;

/// <summary>The CLI is the interface other checks use: its JSON shape and exit behaviour are part of its contract.</summary>
public sealed class CliCommandTests
{
    private static string Data(string relative) => SharedData.PathOf(relative);

    [SharedDataFact]
    public void AnalyzeJsonPrintsOneObjectPerImageAndKeepsGoingPastAnUnreadableFile()
    {
        var bogus = Path.Combine(Path.GetTempPath(), $"not-an-image-{Guid.NewGuid():N}.jpg");
        File.WriteAllText(bogus, "this is text, not a JPEG");
        try
        {
            var (code, stdout, stderr) = Run("analyze", Data("groups/couple.jpg"), bogus, Data("identities/face_recognition/obama.jpg"), "--json", "--embeddings");
            Assert.True(code == 0, stderr);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(3, lines.Count);

            var couple = lines[0];
            Assert.Equal(2, couple.GetProperty("faces").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, couple.GetProperty("error").ValueKind);
            Assert.True(couple.GetProperty("width").GetInt32() > 0);
            var face = couple.GetProperty("faces")[0];
            foreach (var key in new[] { "x", "y", "w", "h" }) Assert.True(face.GetProperty("box").GetProperty(key).GetDouble() >= 0);
            Assert.Equal(5, face.GetProperty("landmarks").GetArrayLength());
            Assert.InRange(face.GetProperty("score").GetDouble(), 0, 1);
            Assert.InRange(face.GetProperty("quality").GetDouble(), 0, 1);
            var emotion = face.GetProperty("emotion");
            Assert.Equal(7, emotion.GetProperty("scores").EnumerateObject().Count());
            Assert.Contains(emotion.GetProperty("dominant").GetString(), new[] { "angry", "disgust", "fear", "happy", "sad", "surprise", "neutral" });
            Assert.Equal(512, face.GetProperty("embedding").GetArrayLength());
            Assert.Contains(face.GetProperty("gender").GetString(), new[] { "male", "female" });

            var bad = lines[1];
            Assert.Equal(bogus, bad.GetProperty("file").GetString());
            Assert.Empty(bad.GetProperty("faces").EnumerateArray());
            Assert.Contains("not", bad.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);

            Assert.Single(lines[2].GetProperty("faces").EnumerateArray());
        }
        finally
        {
            File.Delete(bogus);
        }
    }

    [SharedDataFact]
    public void VerifySaysSameForTwoPhotosOfOnePersonAndDifferentForTwoPeople()
    {
        var train = "identities/face_recognition/knn_examples/train";
        var same = Verify(Data($"{train}/biden/biden.jpg"), Data($"{train}/biden/biden2.jpg"));
        var different = Verify(Data($"{train}/biden/biden.jpg"), Data("identities/face_recognition/obama.jpg"));
        Assert.True(same.GetProperty("same").GetBoolean(), same.ToString());
        Assert.False(different.GetProperty("same").GetBoolean(), different.ToString());
        Assert.True(same.GetProperty("similarity").GetDouble() > different.GetProperty("similarity").GetDouble());
    }

    [SharedDataFact]
    public void BenchPrintsBothWorkloadsAndNoFlipEmbedsOnceUnderItsOwnModelTag()
    {
        string[] quick = ["bench", "--seconds", "1", "--warmup", "0", "--threads", "1"];
        var (code, flip, stderr) = Run(quick);
        Assert.True(code == 0, stderr);
        var (noFlipCode, noFlip, noFlipErr) = Run([.. quick, "--no-flip"]);
        Assert.True(noFlipCode == 0, noFlipErr);
        foreach (var output in new[] { flip, noFlip })
        {
            Assert.Matches(@"single-face 640x480 \(\d+ frames\), 1 thread\(s\), [\d.]+ s: [\d.]+ frames/s", output);
            Assert.Matches(@"group selfie-many-people\.jpg, 1 thread\(s\), [\d.]+ s: [\d.]+ frames/s, [\d.]+ faces/s", output);
            Assert.DoesNotContain("2 thread(s)", output);
        }
        // The stored tag names the pipeline, so vectors of the two are never compared.
        Assert.Matches(@"embedding fr_feature@87aacdfe5751\+flip-[0-9a-f]{8}", flip);
        Assert.Matches(@"embedding fr_feature@87aacdfe5751\+single-[0-9a-f]{8}", noFlip);
    }

    [SharedDataFact]
    public void OnnxRuntimeWritesNothingUnderTheCacheFolder()
    {
        // ONNX Runtime 1.32 writes a device id and a telemetry event queue under $XDG_CACHE_HOME/Microsoft/ when its
        // environment is created, unless ORT_DISABLE_TELEMETRY is set; Vision sets it natively before that.
        var cache = Path.Combine(Path.GetTempPath(), $"faceaspire-xdg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(cache);
        try
        {
            var environment = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = cache, ["ORT_DISABLE_TELEMETRY"] = null };
            var (code, _, stderr) = RunWith(environment, "analyze", Data("groups/couple.jpg"), "--json");
            Assert.True(code == 0, stderr);
            Assert.Empty(Directory.EnumerateFileSystemEntries(cache, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public void AnUnknownCommandIsAUsageErrorWithExitCode2()
    {
        var (code, _, stderr) = Run("frobnicate");
        Assert.Equal(2, code);
        Assert.Contains("Unknown command", stderr);
    }

    private static JsonElement Verify(string a, string b)
    {
        var (code, stdout, stderr) = Run("verify", a, b, "--json");
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement;
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args) => RunWith(new Dictionary<string, string?>(), args);

    // environment: variables to set for the CLI; a null value removes an inherited one.
    private static (int Code, string Stdout, string Stderr) RunWith(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "FaceAspire.Cli.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            if (value is null) psi.Environment.Remove(name);
            else psi.Environment[name] = value;
        }
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)), "CLI did not finish in 2 minutes");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
