using FaceAspire.Testing;

namespace FaceAspire.Mood.IntegrationTests.Support;

/// <summary>Measured figures, also written to artifacts/figures/&lt;name&gt;.txt so a run leaves them behind.</summary>
public static class Figures
{
    /// <summary>Writes one line to artifacts/figures/<paramref name="name"/>.txt and stdout.</summary>
    public static void Write(string name, string line)
    {
        var dir = Path.Combine(RepositoryRoot.Find(), "artifacts", "figures");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, name + ".txt"), line + Environment.NewLine);
        Console.WriteLine(line);
    }
}
