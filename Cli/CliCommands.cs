using System.CommandLine;
using FaceAspire.Cli.Commands;
using FaceAspire.Cli.Import;

namespace FaceAspire.Cli;

/// <summary>The CLI's commands: the vision engine on local files, and the Api over the shared client.</summary>
public static class CliCommands
{
    /// <summary>The root command: <c>analyze</c>, <c>verify</c>, <c>import</c>, <c>jobs</c>; <c>--help</c> on each.</summary>
    public static RootCommand Create() => new("""
        FaceAspire CLI: the vision engine on local photos, and the ingest API.
        Models come from models/manifest.json (run models/fetch.sh first). Vision__ExecutionProvider=Cuda (and
        Vision__CudaDeviceId, Vision__CudaFallbackToCpu) in the environment run them on a GPU, as for the services;
        Vision__FlipAveraging=false embeds each face once. Exit codes: 0 done, 1 failed, 2 wrong command line.
        Benchmarks and evaluations are in the bench project (dotnet run --project bench/Bench -- --help).
        """)
    {
        AnalyzeCommand.Create(),
        VerifyCommand.Create(),
        ImportCommand.Create(),
        JobsCommand.Create(),
    };
}
