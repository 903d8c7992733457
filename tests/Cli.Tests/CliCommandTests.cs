using System.Text.Json;
using FaceAspire.Testing;
using FaceAspire.Vision.Imaging;

namespace FaceAspire.Cli.Tests;

/// <summary>The CLI run as a process, as users and scripts run it: its JSON shape and exit codes are its contract.</summary>
public sealed class CliCommandTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "FaceAspire.Cli.dll");

    private static string Data(string relative) => SharedData.PathOf(relative);

    [SharedDataFact]
    public void AnalyzeJsonPrintsOneObjectPerImageAndKeepsGoingPastAnUnreadableFile()
    {
        using var bogus = TempFile.Text("this is text, not a JPEG");
        var (code, stdout, stderr) = Run("analyze", Data("groups/couple.jpg"), bogus.Path, Data("identities/face_recognition/obama.jpg"), "--json", "--embeddings");
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
        Assert.Equal(bogus.Path, bad.GetProperty("file").GetString());
        Assert.Empty(bad.GetProperty("faces").EnumerateArray());
        Assert.Contains("not", bad.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);

        Assert.Single(lines[2].GetProperty("faces").EnumerateArray());
    }

    [SharedDataFact]
    public void AnalyzeJsonKeepsEveryKeyInItsPlaceWithEmbeddingsOnlyWhenAsked()
    {
        foreach (var embeddings in new[] { false, true })
        {
            string[] args = ["analyze", Data("groups/couple.jpg"), "--json", .. embeddings ? new[] { "--embeddings" } : []];
            var (code, stdout, stderr) = Run(args);
            Assert.True(code == 0, stderr);
            var image = JsonDocument.Parse(stdout).RootElement;
            Assert.Equal(["file", "width", "height", "faces", "error"], Keys(image));
            foreach (var face in image.GetProperty("faces").EnumerateArray())
            {
                Assert.Equal(["box", "score", "landmarks", "quality", "emotion", "age", "gender", .. embeddings ? new[] { "embedding" } : []], Keys(face));
                Assert.Equal(["x", "y", "w", "h"], Keys(face.GetProperty("box")));
                Assert.Equal(["dominant", "confidence", "scores"], Keys(face.GetProperty("emotion")));
                Assert.Equal(["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"], Keys(face.GetProperty("emotion").GetProperty("scores")));
                Assert.All(face.GetProperty("landmarks").EnumerateArray(), p => Assert.Equal(2, p.GetArrayLength()));
            }
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
        Assert.Equal(["similarity", "threshold", "same"], Keys(same));
    }

    [SharedDataFact]
    public void VerifyFailsWithExitCode1WhenAnImageHasNoFaceOrIsNoImage()
    {
        using var blank = new RgbImage(640, 480, clear: true);
        using var noFace = TempFile.Bytes(JpegEncoder.Encode(blank), ".jpg");
        using var text = TempFile.Text("not a photo");

        var (code, stdout, stderr) = Run("verify", Data("groups/couple.jpg"), noFace.Path, "--json");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains($"No face found in {noFace.Path}.", stderr);

        (code, stdout, stderr) = Run("verify", Data("groups/couple.jpg"), text.Path, "--json");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains("not an image", stderr); // the decoder's own message, not a stack trace
        Assert.DoesNotContain("   at ", stderr);
    }

    [SharedDataFact]
    public void TheTableIsPlainAndUnwrappedWhenStdoutIsNotATerminal()
    {
        using var bogus = TempFile.Text("this is text, not a JPEG");
        var (code, stdout, stderr) = Run("analyze", Data("groups/couple.jpg"), bogus.Path);
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain('\u001b', stdout); // no colour or cursor codes for a file or pipe
        var row = Assert.Single(stdout.Split('\n'), l => l.Contains(Path.GetFileName(bogus.Path)));
        Assert.Contains("The file is not an image in a format we can read.", row); // one row, not wrapped at 80 columns
        Assert.Contains(stdout.Split('\n'), l => l.Contains("couple.jpg") && l.Contains("2280×1588"));
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
            var result = ToolProcess.Run(Dll, ["analyze", Data("groups/couple.jpg"), "--json"], environment);
            Assert.True(result.Code == 0, result.Stderr);
            Assert.Empty(Directory.EnumerateFileSystemEntries(cache, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public void AVisionVariableWithABadValueIsAUsageErrorBeforeAnyModelLoads()
    {
        using var photo = TempFile.Text("never read");
        var result = ToolProcess.Run(Dll, ["analyze", photo.Path, "--json"], new Dictionary<string, string?> { ["Vision__ExecutionProvider"] = "Tpu" });
        Assert.Equal(2, result.Code);
        Assert.Equal("", result.Stdout);
        Assert.Contains("Vision__ExecutionProvider=Tpu is not a valid value.", result.Stderr);
    }

    [Fact]
    public void ImportWithNoApiKnownAnywhereIsAUsageError()
    {
        var folder = Directory.CreateTempSubdirectory("faceaspire-import-");
        try
        {
            // From a folder with no .run/endpoints.json above it, and no FACEASPIRE_API* variables.
            var result = ToolProcess.Run(Dll, ["import", folder.FullName],
                new Dictionary<string, string?> { ["FACEASPIRE_API"] = null, ["FACEASPIRE_API_KEY"] = null }, workingDirectory: folder.FullName);
            Assert.Equal(2, result.Code);
            Assert.Contains("No API given", result.Stderr);
            Assert.Contains("Usage:", result.Stderr); // the help goes to stderr too: stdout is for results
            Assert.Equal("", result.Stdout);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static List<string> Keys(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    private static JsonElement Verify(string a, string b)
    {
        var (code, stdout, stderr) = Run("verify", a, b, "--json");
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement;
    }

    private static ToolProcess.Result Run(params string[] args) => ToolProcess.Run(Dll, args);
}
