using System.Diagnostics;

namespace FaceAspire.Testing;

/// <summary>One of our command-line tools (the CLI, the bench) run to its end as a child process, as users and
/// scripts run it: stdout and stderr redirected (so the tool sees no terminal), exit code and both outputs kept.</summary>
public static class ToolProcess
{
    /// <summary>The outcome of one run.</summary>
    /// <param name="Code">The exit code.</param>
    /// <param name="Stdout">Everything written to stdout.</param>
    /// <param name="Stderr">Everything written to stderr.</param>
    public sealed record Result(int Code, string Stdout, string Stderr);

    /// <summary>Runs <c>dotnet <paramref name="dll"/> <paramref name="args"/></c> and waits for it.</summary>
    /// <param name="dll">The tool's assembly, e.g. from <see cref="BuiltService.Dll"/>.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="environment">Variables to set; a null value removes an inherited one.</param>
    /// <param name="timeout">How long it may run (default 2 minutes).</param>
    /// <param name="workingDirectory">Its working directory (default this process's).</param>
    /// <exception cref="TimeoutException">It ran longer; it is killed.</exception>
    public static Result Run(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
            psi.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) psi.Environment.Remove(name);
            else psi.Environment[name] = value;
        }
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        if (!p.WaitForExit(limit))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(dll)} {string.Join(' ', psi.ArgumentList.Skip(1))} did not finish in {limit}.");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
