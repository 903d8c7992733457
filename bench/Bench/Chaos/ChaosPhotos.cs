using System.Diagnostics;
using System.Security.Cryptography;
using FaceAspire.Cli;
using FaceAspire.Testing;

namespace FaceAspire.Bench.Chaos;

/// <summary>One image the chaos run posts.</summary>
/// <param name="Content">The encoded bytes as posted.</param>
/// <param name="ContentType">Their media type.</param>
/// <param name="Name">Where it came from (file under ../shared/data, or a video frame), for messages.</param>
/// <param name="Picture">Index of the distinct picture it shows (<see cref="ChaosPhotos.Pictures"/>): variants of a
/// photo differ in bytes only, so they must be analysed alike.</param>
/// <param name="Repeat">A deliberate exact duplicate of an earlier post (same bytes, so the same frame).</param>
public sealed record ChaosPhoto(byte[] Content, string ContentType, string Name, int Picture, bool Repeat)
{
    /// <summary>Lower-case hex sha256 of <see cref="Content"/>: the Api's idempotency key for a frame.</summary>
    public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(Content));
}

/// <summary>
/// The chaos run's posts, built from every picture in ../shared/data (identities, emotions, group and crowd photos)
/// and frames cut from its video clip with ffmpeg (when installed): the pictures in turn, each later round as JPEG
/// variants with a COM segment of their own (<see cref="JpegVariants"/>: a new sha256, the same pixels), and every
/// <c>repeatEvery</c>-th post an exact copy of an earlier one, which the Api must answer with the same frame.
/// </summary>
public sealed class ChaosPhotos
{
    private ChaosPhotos(List<(string Name, byte[] Content, string ContentType)> pictures, List<ChaosPhoto> posts)
    {
        Pictures = pictures;
        Posts = posts;
    }

    /// <summary>The distinct pictures (original bytes), by index.</summary>
    public IReadOnlyList<(string Name, byte[] Content, string ContentType)> Pictures { get; }

    /// <summary>The posts, in order.</summary>
    public IReadOnlyList<ChaosPhoto> Posts { get; }

    /// <summary>Builds <paramref name="count"/> posts (seeded order: the same set for the same arguments).</summary>
    /// <param name="count">Posts in all, at least 1.</param>
    /// <param name="repeatEvery">Every n-th post repeats an earlier one exactly; 0 for none.</param>
    /// <param name="videoFrames">Frames to cut from the video clip (0: none, also when ffmpeg is missing).</param>
    /// <param name="seed">Shuffles the pictures.</param>
    /// <exception cref="DirectoryNotFoundException">../shared/data is absent.</exception>
    public static ChaosPhotos Build(int count, int repeatEvery, int videoFrames, int seed)
    {
        var files = ImageFiles.Expand([SharedData.PathOf("identities"), SharedData.PathOf("emotions"), SharedData.PathOf("groups")])
            .Select(f => (Name: Path.GetRelativePath(SharedData.Root!, f), Content: File.ReadAllBytes(f), ContentType: ImageFiles.ContentType(f)))
            .Concat(VideoFrames(videoFrames))
            .Where(f => !TooLongToAnalyse.Contains(Path.GetFileName(f.Name)))
            .ToList();
        // Small sets (the test) still get several faces per photo: the group photos go first, the rest shuffled.
        var random = new Random(seed);
        var groups = files.Where(f => f.Name.StartsWith("groups", StringComparison.Ordinal)).ToList();
        var rest = files.Except(groups).OrderBy(_ => random.Next()).ToList();
        var pictures = Interleave(groups, rest);

        var posts = new List<ChaosPhoto>(count);
        var fresh = 0;
        while (posts.Count < count)
        {
            if (repeatEvery > 0 && posts.Count % repeatEvery == repeatEvery - 1)
            {
                var earlier = posts[random.Next(posts.Count)];
                posts.Add(earlier with { Repeat = true });
                continue;
            }
            var index = fresh % pictures.Count;
            var round = fresh / pictures.Count;
            fresh++;
            var (name, content, type) = pictures[index];
            if (round > 0)
            {
                if (!IsJpeg(content)) continue; // only JPEGs have a byte-level variant of the same picture
                content = JpegVariants.WithComment(content, $"chaos {seed} {round}");
            }
            posts.Add(new ChaosPhoto(content, type, name, index, false));
        }
        return new ChaosPhotos(pictures, posts);
    }

    // One group photo among every ~40 others, so a short run has crowds too and a long one is not dominated by them.
    private static List<T> Interleave<T>(List<T> groups, List<T> rest)
    {
        var result = new List<T>(groups.Count + rest.Count);
        var step = Math.Max(1, rest.Count / Math.Max(1, groups.Count));
        int g = 0, r = 0;
        while (g < groups.Count || r < rest.Count)
        {
            if (g < groups.Count) result.Add(groups[g++]);
            for (var i = 0; i < step && r < rest.Count; i++) result.Add(rest[r++]);
        }
        return result;
    }

    /// <summary>
    /// Pictures left out: hpc203_selfie.jpg holds 369 faces, whose analysis takes 34 s of CPU (74 s on the shared cores
    /// here): longer than the run's consumer timeout, so the broker takes it from every worker before it is acknowledged
    /// and it is never done (docs/reliability.md).
    /// </summary>
    public static IReadOnlySet<string> TooLongToAnalyse { get; } = new HashSet<string>(StringComparer.Ordinal) { "hpc203_selfie.jpg" };

    private static bool IsJpeg(byte[] content) => content.Length > 2 && content[0] == 0xFF && content[1] == 0xD8;

    // Evenly spaced frames of video/short_hamilton_clip.mp4 as JPEGs, cut by ffmpeg into a temporary folder.
    private static IEnumerable<(string Name, byte[] Content, string ContentType)> VideoFrames(int count)
    {
        if (count <= 0) yield break;
        var clip = Path.Combine(SharedData.Root!, "video", "short_hamilton_clip.mp4");
        var dir = Directory.CreateTempSubdirectory("chaos-frames-");
        try
        {
            var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
            // The clip is 10 s at 29.97 frames/s: a rate of count/10 frames a second spreads them over it.
            foreach (var a in new[] { "-v", "error", "-i", clip, "-vf", $"fps={count / 10.0:0.###}", "-q:v", "3", "-frames:v", count.ToString(System.Globalization.CultureInfo.InvariantCulture), Path.Combine(dir.FullName, "f%04d.jpg") })
                psi.ArgumentList.Add(a);
            Process? ffmpeg = null;
            try { ffmpeg = Process.Start(psi); } catch (System.ComponentModel.Win32Exception) { }
            if (ffmpeg is null)
            {
                Console.Error.WriteLine("chaos: ffmpeg is not installed; no video frames");
                yield break;
            }
            using (ffmpeg)
            {
                ffmpeg.StandardError.ReadToEnd();
                ffmpeg.WaitForExit();
            }
            foreach (var file in Directory.GetFiles(dir.FullName, "*.jpg").Order(StringComparer.Ordinal))
                yield return ("video/" + Path.GetFileName(file), File.ReadAllBytes(file), "image/jpeg");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
