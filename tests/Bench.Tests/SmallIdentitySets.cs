namespace FaceAspire.Bench.Tests;

/// <summary>
/// The three identity sets calibrate-identity reads, cut down to a few real photos each (symbolic links into
/// ../shared/data): two people with two photos in each folder set, and one same and one different pair of deepface's
/// master.csv. Deleted on dispose.
/// </summary>
internal sealed class SmallIdentitySets : IDisposable
{
    private SmallIdentitySets(string root) => Root = root;

    /// <summary>The folder to pass as <c>--data</c>.</summary>
    public string Root { get; }

    public static SmallIdentitySets Create()
    {
        var sets = new SmallIdentitySets(Directory.CreateTempSubdirectory("faceaspire-identities-").FullName);
        var train = SharedData.PathOf("identities/face_recognition/knn_examples/train");
        foreach (var person in new[] { "biden", "obama" })
            LinkFirstTwo(Path.Combine(train, person), Path.Combine(sets.Root, "face_recognition/knn_examples/train", person));
        var lfw = SharedData.PathOf("identities/lfw12");
        foreach (var person in new[] { "Colin_Powell", "Laura_Bush" })
            LinkFirstTwo(Path.Combine(lfw, person), Path.Combine(sets.Root, "lfw12", person));
        var deepface = SharedData.PathOf("identities/deepface");
        var rows = File.ReadLines(Path.Combine(deepface, "master.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        string[][] picked = [rows.First(r => r[2] == "Yes"), rows.First(r => r[2] == "No")];
        var target = Directory.CreateDirectory(Path.Combine(sets.Root, "deepface")).FullName;
        File.WriteAllLines(Path.Combine(target, "master.csv"), ["file_x,file_y,Decision", .. picked.Select(r => string.Join(',', r))]);
        foreach (var file in picked.SelectMany(r => r.Take(2)).Distinct())
            File.CreateSymbolicLink(Path.Combine(target, file), Path.Combine(deepface, file));
        return sets;
    }

    private static void LinkFirstTwo(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from).Order(StringComparer.Ordinal).Take(2))
            File.CreateSymbolicLink(Path.Combine(to, Path.GetFileName(file)), file);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
