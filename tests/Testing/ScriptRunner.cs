using System.Diagnostics;

namespace FaceAspire.Testing;

/// <summary>Runs the repository's bash scripts (infra/*.sh) and captures their output.</summary>
public static class ScriptRunner
{
    /// <summary>
    /// Runs <c>bash &lt;repoRoot&gt;/&lt;script&gt; args…</c> with <c>FACEASPIRE_INFRA_INSTANCE</c> set to
    /// <paramref name="instance"/>; returns stdout trimmed.
    /// </summary>
    /// <exception cref="InvalidOperationException">Non-zero exit (message holds stderr's tail).</exception>
    public static async Task<string> RunAsync(string repoRoot, string instance, string script, params string[] args)
    {
        var (code, stdout, stderr) = await TryRunAsync(repoRoot, instance, script, args);
        if (code != 0)
            throw new InvalidOperationException($"bash {script} {string.Join(' ', args)} exited {code}:\n{Tail(stderr)}");
        return stdout.Trim();
    }

    /// <summary>Like <see cref="RunAsync"/> but returns the exit code instead of throwing.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> TryRunAsync(string repoRoot, string instance, string script, params string[] args)
    {
        var psi = new ProcessStartInfo("bash")
        {
            WorkingDirectory = repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(repoRoot, script));
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["FACEASPIRE_INFRA_INSTANCE"] = instance;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start bash");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string Tail(string s) => s.Length <= 2000 ? s : s[^2000..];
}
