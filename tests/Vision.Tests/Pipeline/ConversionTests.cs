using System.Diagnostics;
using System.Text.Json;
using FaceAspire.Vision.Alignment;
using FaceAspire.Testing;
using FaceAspire.Vision.Models;
using FaceAspire.Vision.Tensors;
using FaceAspire.Vision.Tests.Support;
using Xunit.Abstractions;

namespace FaceAspire.Vision.Tests.Pipeline;

/// <summary>
/// Our converted emotion models against independent forward passes on 120 real face crops (issue 7): face-api.js's
/// own JavaScript model in node (its bundled TensorFlow.js) and a numpy pass over the mini-Xception HDF5 weights.
/// Both sides see the same uint8 crop; each applies its own preprocessing. The rewritten age model against the file
/// as it ships, both in ONNX Runtime.
/// </summary>
public sealed class ConversionTests(AnalyzerFixture fixture, ITestOutputHelper output) : IClassFixture<AnalyzerFixture>
{
    private const int Faces = 120;

    [ModelsFact("emotions/images")]
    public void FaceApiConversionMatchesThePackagesOwnTfjsModel() =>
        Compare("faceapi_expression", gray: false, (input, n, json) =>
            Run("node", Script("faceapi_forward.mjs"), Path.Combine(Store.CacheDirectory, "src"), input, n.ToString(), json));

    [ModelsFact("emotions/images")]
    public void MiniXceptionConversionMatchesANumpyForwardPassOfTheHdf5() =>
        Compare("mini_xception", gray: true, (input, n, json) =>
            Run("/usr/bin/python3", Script("mini_xception_forward.py"), Path.Combine(Store.CacheDirectory, "src", "fer2013_mini_XCEPTION.102-0.66.hdf5"), input, n.ToString(), json));

    [ModelsFact("emotions/images")]
    public void AgeModelWithoutItsWeightsAsInputsComputesWhatTheShippedFileComputes()
    {
        // models/convert/initializers_not_inputs.py drops fr_age's 104 weights from its graph inputs so ONNX Runtime may
        // fold and fuse them, and its 8 initializers that no node reads; the function must not change.
        // models/fetch.sh keeps the file as shipped in cache/src/.
        var analyzer = fixture.Require;
        var model = Store.Manifest.Get("fr_age");
        var rewritten = analyzer.Sessions.FirstOrDefault(s => s.Model.Name == model.Name).Session ?? analyzer.OpenExtraSession(model);
        var shipped = analyzer.OpenExtraSession(model with { File = Path.Combine("src", model.File) });
        // ONNX Runtime lists only the required inputs (weights listed as inputs are "overridable initializers").
        Assert.Equal(["input"], rewritten.Inputs.Select(i => i.Name));
        Assert.Equal(["input"], shipped.Inputs.Select(i => i.Name));
        Assert.NotEqual(File.ReadAllBytes(shipped.ModelPath), File.ReadAllBytes(rewritten.ModelPath));
        Assert.Equal(shipped.Outputs.Select(o => o.Name), rewritten.Outputs.Select(o => o.Name));

        var p = model.Preprocessing!;
        int size = p.Width!.Value;
        double maxDiff = 0;
        foreach (var crop in Crops(analyzer, p, size, gray: false))
        {
            var tensor = new float[3 * size * size];
            TensorWriter.Write(crop, size, size, p, tensor);
            using var before = shipped.Run(tensor, [1, 3, size, size]);
            using var after = rewritten.Run(tensor, [1, 3, size, size]);
            for (int o = 0; o < before.Count; o++)
            {
                var a = before.Floats(o);
                var b = after.Floats(o);
                Assert.Equal(a.Length, b.Length);
                for (int k = 0; k < a.Length; k++) maxDiff = Math.Max(maxDiff, Math.Abs(a[k] - b[k]));
            }
        }
        output.WriteLine($"fr_age: {Faces} faces, {shipped.Outputs.Count} outputs, max |Δ| {maxDiff:E2}");
        // Conv + BatchNormalization fusion reorders float arithmetic: differences of a few ulp, not of the function.
        Assert.True(maxDiff <= 1e-4, $"max |Δ| {maxDiff:E2} > 1e-4");
    }

    private ModelStore Store => fixture.Require.Store;

    private string Script(string name) => Path.Combine(Store.ModelsDirectory, "verify", name);

    private void Compare(string modelName, bool gray, Action<string, int, string> reference)
    {
        var analyzer = fixture.Require;
        var model = Store.Manifest.Get(modelName);
        var session = analyzer.Sessions.FirstOrDefault(s => s.Model.Name == modelName).Session ?? analyzer.OpenExtraSession(model);
        var p = model.Preprocessing!;
        int size = p.Width!.Value, channels = gray ? 1 : 3;
        var crops = Crops(analyzer, p, size, gray);
        var ours = crops.Select(crop =>
        {
            // R = G = B for the gray model, so our BT.601 luma equals the reference's uint8 gray exactly.
            var rgb = gray ? crop.SelectMany(g => new[] { g, g, g }).ToArray() : crop;
            var tensor = new float[channels * size * size];
            TensorWriter.Write(rgb, size, size, p, tensor);
            using var outputs = session.Run(tensor, [1, channels, size, size]);
            return outputs.Floats(0).ToArray();
        }).ToList();

        var dir = Directory.CreateTempSubdirectory("conversion-");
        try
        {
            var input = Path.Combine(dir.FullName, "in.u8");
            File.WriteAllBytes(input, crops.SelectMany(c => c).ToArray());
            var json = Path.Combine(dir.FullName, "out.json");
            reference(input, crops.Count, json);
            var theirs = JsonSerializer.Deserialize<float[][]>(File.ReadAllText(json))!;
            Assert.Equal(crops.Count, theirs.Length);
            double maxDiff = 0;
            int argmaxMismatches = 0;
            for (int i = 0; i < crops.Count; i++)
            {
                for (int k = 0; k < 7; k++) maxDiff = Math.Max(maxDiff, Math.Abs(ours[i][k] - theirs[i][k]));
                if (Array.IndexOf(ours[i], ours[i].Max()) != Array.IndexOf(theirs[i], theirs[i].Max())) argmaxMismatches++;
            }
            output.WriteLine($"{modelName}: {crops.Count} faces, max |Δp| {maxDiff:E2}, argmax mismatches {argmaxMismatches}");
            Assert.True(maxDiff <= 1e-5, $"max |Δp| {maxDiff:E2} > 1e-5");
            Assert.Equal(0, argmaxMismatches);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    // The first 120 detected faces of the emotion set, cropped exactly as the adapter crops them (uint8).
    private static List<byte[]> Crops(FaceAnalyzer analyzer, Preprocessing p, int size, bool gray)
    {
        var crops = new List<byte[]>();
        foreach (var file in Directory.GetFiles(SharedData.PathOf("emotions/images"), "*.jpg").Order(StringComparer.Ordinal))
        {
            if (crops.Count == Faces) break;
            using var image = analyzer.Decoder.Decode(File.ReadAllBytes(file));
            var face = analyzer.Detector.Detect(image).OrderByDescending(f => f.Box.Area).FirstOrDefault();
            if (face is null) continue;
            var rgb = new byte[size * size * 3];
            Warp.Bilinear(image, FaceTensor.CropMap(face, p, size, size, image.Width, image.Height), size, size, rgb);
            crops.Add(gray
                ? Enumerable.Range(0, size * size).Select(i => (byte)Math.Round(0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2])).ToArray()
                : rgb);
        }
        Assert.Equal(Faces, crops.Count);
        return crops;
    }

    private static void Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5))) { process.Kill(true); throw new TimeoutException($"{exe} took over 5 minutes"); }
        Assert.True(process.ExitCode == 0, $"{exe} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
    }
}
