using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using FaceAspire.Cli;
using FaceAspire.Cli.CommandLine;
using FaceAspire.Core.Security;
using FaceAspire.Testing;
using FaceAspire.Vision;
using FaceAspire.Vision.Imaging;

namespace FaceAspire.Bench.Commands;

/// <summary>
/// <c>encryption [--photos N] [--rounds N] [--folder DIR]</c>: the cost of encryption at rest per frame, in one run.
/// For N real photos (default 60: the identity sets and group photos of ../shared/data), each analysed once by the
/// real engine on one thread (decode → detect → align → embed → emotion → age/gender, 112-px crops) with its wall
/// time, then sealed and opened with <see cref="ImageSealer"/> (AES-256-GCM envelope) <c>--rounds</c> times: µs per
/// seal and per open for the photo and for its face crops, and the ratio of a frame's whole crypto (seal the photo
/// and its crops at ingest/analysis, open the photo once for the analysis) to its analysis time.
/// </summary>
public static class EncryptionCommand
{
    /// <summary>The command and its options.</summary>
    public static Command Create()
    {
        var photos = CliOptions.Int("--photos", "Real photos to measure", 60, min: 1, max: 10_000);
        var rounds = CliOptions.Int("--rounds", "Seal+open repetitions per image", 20, min: 1, max: 10_000);
        var folder = CliOptions.ExistingFolder("--folder", "Photos to use [default: identities and groups of ../shared/data]");
        var command = new Command("encryption", "Encryption at rest: µs to seal/open a photo and a face crop, and the ratio to the frame's analysis time")
        {
            photos, rounds, folder,
        };
        command.SetAction(r => Run(r.GetValue(photos), r.GetValue(rounds), r.GetValue(folder)));
        return command;
    }

    /// <summary>Runs the measurement and prints the figures; exit 0.</summary>
    public static int Run(int photoCount, int rounds, string? folder)
    {
        var files = (folder is null
                ? Directory.EnumerateFiles(SharedData.PathOf("identities"), "*.jpg", SearchOption.AllDirectories)
                    .Concat(Directory.EnumerateFiles(SharedData.PathOf("groups"), "*.jpg"))
                : Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal).ToList();
        // Spread over the whole set (every k-th file), so group photos and every identity take part.
        var step = Math.Max(1, files.Count / photoCount);
        var candidates = files.Where((_, i) => i % step == 0).Take(photoCount).Select(File.ReadAllBytes).ToList();
        using var analyzer = Engine.Create(intraOpThreads: 1);
        var sealer = new ImageSealer(new KeyRing(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
        var decoder = new ImageDecoder(new VisionOptions().Limits);
        // Only what the pipeline accepts (the shared set holds a few WebP files under .jpg names).
        var photos = candidates.Where(p => IsSupported(decoder, p)).ToList();
        analyzer.Analyze(photos[0], new AnalysisRequest(CropSize: 112)); // warm-up: sessions' first runs grow their arenas

        double analyseMs = 0;
        var crops = new List<byte[]>();
        foreach (var photo in photos)
        {
            var sw = Stopwatch.StartNew();
            var result = analyzer.Analyze(photo, new AnalysisRequest(CropSize: 112));
            analyseMs += sw.Elapsed.TotalMilliseconds;
            crops.AddRange(result.Faces.Select(f => f.CropJpeg).OfType<byte[]>());
        }
        var (photoSeal, photoOpen) = Time(sealer, photos, SealedColumns.FrameContent, rounds);
        var (cropSeal, cropOpen) = Time(sealer, crops, SealedColumns.FaceCrop, rounds);

        var n = photos.Count;
        var cropsPerFrame = (double)crops.Count / n;
        var analyseUs = analyseMs * 1000 / n;
        // Per frame in the pipeline: seal at ingest, open once for the analysis, seal each crop. Reads (crops in
        // the admin, thumbnails) come on top, one open each.
        var frameCryptoUs = photoSeal + photoOpen + cropsPerFrame * cropSeal;
        Console.WriteLine($"{n} photos, mean {photos.Average(p => p.Length) / 1024:F0} KiB; {crops.Count} face crops ({cropsPerFrame:F1}/frame), " +
            $"mean {(crops.Count == 0 ? 0 : crops.Average(c => c.Length)):F0} B; {rounds} rounds; AES-256-GCM via {(AesGcm.IsSupported ? "OpenSSL" : "none")}, {Environment.ProcessorCount} cores");
        Console.WriteLine($"photo: seal {photoSeal:F1} µs, open {photoOpen:F1} µs per frame ({photos.Sum(p => (double)p.Length) * 2 / 1048576 / ((photoSeal + photoOpen) * n / 1e6):F0} MiB/s)");
        Console.WriteLine($"crop:  seal {cropSeal:F1} µs, open {cropOpen:F1} µs per crop");
        Console.WriteLine($"analysis (decode + detect + align + embed + emotion + age/gender, 1 thread): {analyseUs / 1000:F1} ms per frame");
        Console.WriteLine($"crypto per frame (seal photo + open photo + seal crops): {frameCryptoUs:F1} µs = {frameCryptoUs / analyseUs * 100:F3} % of its analysis");
        return ExitCodes.Ok;
    }

    private static bool IsSupported(ImageDecoder decoder, byte[] photo)
    {
        try
        {
            decoder.Probe(photo);
            return true;
        }
        catch (ImageDecodeException)
        {
            return false;
        }
    }

    // Mean µs per seal and per open over every image, each sealed and opened `rounds` times.
    private static (double Seal, double Open) Time(ImageSealer sealer, List<byte[]> images, string purpose, int rounds)
    {
        if (images.Count == 0)
            return (0, 0);
        var sealedImages = images.Select(i => sealer.Seal(i, purpose)).ToList();
        double seal = 0, open = 0;
        for (var r = 0; r < rounds; r++)
        {
            var sw = Stopwatch.StartNew();
            foreach (var image in images)
                sealer.Seal(image, purpose);
            seal += sw.Elapsed.TotalMicroseconds;
            sw.Restart();
            foreach (var stored in sealedImages)
                sealer.Open(stored, purpose);
            open += sw.Elapsed.TotalMicroseconds;
        }
        return (seal / rounds / images.Count, open / rounds / images.Count);
    }
}
