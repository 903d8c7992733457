using System.Diagnostics;
using System.Text.RegularExpressions;

namespace FaceAspire.AppHost.Hosting;

/// <summary>
/// Builds the projects the AppHost runs, once, before any of them starts; one <c>dotnet build</c> at a time (the
/// machine is small and builds share obj/ folders). A project is up to date, and skipped, when its output
/// assembly or the stamp of the AppHost's last successful build of it is newer than every source file of the
/// project and of the projects it references, and than the repository's Directory.*.props and global.json.
/// </summary>
internal static partial class ProjectBuilder
{
    private static readonly string[] IgnoredFolders = ["bin", "obj", "node_modules", "TestResults"];

    public static async Task BuildAsync(IEnumerable<ProjectResource> projects, OrchestratorContext context, CancellationToken ct)
    {
        var configuration = context.Options.Configuration;
        foreach (var project in projects.DistinctBy(p => p.ProjectFile))
        {
            var dll = project.DllPath(configuration);
            var stamp = Path.Combine(context.RunDirectory, "build", $"{project.ProjectDirectory}.{configuration}.stamp");
            if (context.Options.NoBuild)
            {
                if (!File.Exists(dll)) throw new InvalidOperationException($"AppHost:NoBuild is set but {dll} does not exist.");
                continue;
            }
            var newestInput = NewestInput(project.ProjectFile, context.RepositoryRoot);
            var built = new[] { dll, stamp }.Where(File.Exists).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(DateTime.MinValue).Max();
            if (built > newestInput)
            {
                context.Table.Info($"{project.ProjectDirectory}: up to date ({configuration})");
                continue;
            }
            var watch = Stopwatch.StartNew();
            context.Table.Info($"building {project.ProjectDirectory} ({configuration})");
            var (code, output) = await DotnetBuildAsync(project.ProjectFile, configuration, context, ct);
            if (code != 0)
                throw new InvalidOperationException(
                    $"dotnet build {project.ProjectDirectory} failed (exit {code}):\n{string.Join('\n', output.TakeLast(20))}");
            Directory.CreateDirectory(Path.GetDirectoryName(stamp)!);
            await File.WriteAllTextAsync(stamp, DateTimeOffset.UtcNow.ToString("O"), ct);
            context.Table.Info($"built {project.ProjectDirectory} in {watch.Elapsed.TotalSeconds:0.0} s");
        }
    }

    /// <summary>Last write time of the newest input of <paramref name="csproj"/>, following ProjectReferences.</summary>
    internal static DateTime NewestInput(string csproj, string repositoryRoot)
    {
        var newest = new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" }
            .Select(f => Path.Combine(repositoryRoot, f)).Where(File.Exists).Select(File.GetLastWriteTimeUtc)
            .DefaultIfEmpty(DateTime.MinValue).Max();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(csproj)]);
        while (pending.TryPop(out var project))
        {
            if (!seen.Add(project) || !File.Exists(project)) continue;
            var dir = Path.GetDirectoryName(project)!;
            foreach (var file in EnumerateSources(dir))
            {
                var time = File.GetLastWriteTimeUtc(file);
                if (time > newest) newest = time;
            }
            foreach (Match m in ProjectReference().Matches(File.ReadAllText(project)))
                pending.Push(Path.GetFullPath(Path.Combine(dir, m.Groups[1].Value.Replace('\\', '/'))));
        }
        return newest;
    }

    private static IEnumerable<string> EnumerateSources(string dir)
    {
        foreach (var file in Directory.EnumerateFiles(dir))
            yield return file;
        foreach (var sub in Directory.EnumerateDirectories(dir))
            if (!IgnoredFolders.Contains(Path.GetFileName(sub)))
                foreach (var file in EnumerateSources(sub))
                    yield return file;
    }

    private static async Task<(int Code, List<string> Output)> DotnetBuildAsync(string csproj, string configuration,
        OrchestratorContext context, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet", ["build", csproj, "-c", configuration, "--nologo", "-v", "q", "-clp:NoSummary", "-nodeReuse:false"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = context.RepositoryRoot,
        };
        using var process = new Process { StartInfo = info };
        var lines = new List<string>();
        var logPath = context.LogPath("build");
        Directory.CreateDirectory(context.LogDirectory);
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (lines)
            {
                lines.Add(line);
                File.AppendAllText(logPath, line + "\n");
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        lock (lines) return (process.ExitCode, [.. lines]);
    }

    [GeneratedRegex("<ProjectReference\\s+Include=\"([^\"]+)\"")]
    private static partial Regex ProjectReference();
}
