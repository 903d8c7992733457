using System.CommandLine;
using FaceAspire.Cli.CommandLine;

namespace FaceAspire.Cli.Tests.Support;

/// <summary>A command line run in-process through <see cref="CommandLineApp"/>, its help and errors captured (shared with
/// tests/Bench.Tests, which compiles this file too).</summary>
internal static class CommandLineRun
{
    /// <summary>Parses and runs <paramref name="args"/> against <paramref name="root"/>.</summary>
    /// <returns>The exit code, what went to the output writer (help) and to the error writer.</returns>
    public static async Task<(int Code, string Output, string Error)> RunAsync(RootCommand root, string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLineApp.RunAsync(root, args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
