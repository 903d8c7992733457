namespace FaceAspire.Testing;

/// <summary>The real files the image fuzzers mutate: JPEGs of several sizes (baseline and progressive, with and
/// without EXIF), grayscale JPEGs and RGBA PNGs, all from ../shared/data (read, never copied into the repository).</summary>
public static class FuzzSeeds
{
    /// <summary>Paths under ../shared/data.</summary>
    public static readonly string[] Files =
    [
        "identities/face_recognition/obama-240p.jpg",
        "identities/face_recognition/obama_small.jpg",
        "identities/face_recognition/obama-480p.jpg",
        "identities/face_recognition/alex-lacamoire.png",
        "identities/lfw12/Serena_Williams/Serena_Williams_0001.jpg",
        "identities/deepface/img14.jpg",
        "groups/linzaer_5.jpg",
    ];

    /// <summary>The seed files' bytes.</summary>
    /// <exception cref="DirectoryNotFoundException">../shared/data is not there.</exception>
    public static IReadOnlyList<byte[]> Load() => [.. Files.Select(f => File.ReadAllBytes(SharedData.PathOf(f)))];
}
