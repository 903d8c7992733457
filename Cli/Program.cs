using FaceAspire.Cli;
using FaceAspire.Cli.Commands;
using Spectre.Console;

const string Usage = """
    FaceAspire CLI
      analyze PATH... [--json] [--embeddings] [--emotion MODEL]   faces, emotion, age/gender per image
      verify IMG1 IMG2 [--json]                                   same person? (largest face of each)
      bench [--seconds N] [--warmup N] [--frames DIR] [--group FILE] [--threads 1,2] [--no-flip]
                                                                       vision throughput and per-stage ms
      evaluate-emotions DIR --labels CSV [--model NAME] [--margin M]   accuracy, recall, confusion matrix
      calibrate-identity [--data DIR] [--no-flip]                 ROC AUC and best threshold on identity sets
      import DIR [--recursive] [--watch] [--source NAME] [--api URL --key KEY] [--parallel N] [--max-rate N]
                                                                  post a folder's photos to the ingest API (resumable)
      jobs run retention|recluster|reindex|reembed|reprocess [--params JSON] [--no-wait] [--api URL --key KEY]
      jobs status ID | jobs list                                  maintenance jobs over the API, with progress
    Models come from models/manifest.json (run models/fetch.sh first). Vision__ExecutionProvider=Cuda (and
    Vision__CudaDeviceId, Vision__CudaFallbackToCpu) in the environment run them on a GPU, as for the services;
    Vision__FlipAveraging=false embeds each face once.
    """;

try
{
    if (args.Length == 0) { Console.WriteLine(Usage); return 2; }
    var rest = args.Skip(1);
    return args[0] switch
    {
        "analyze" => AnalyzeCommand.Run(new CliArgs(rest, "emotion")),
        "verify" => VerifyCommand.Run(new CliArgs(rest)),
        "bench" => BenchCommand.Run(new CliArgs(rest, "seconds", "warmup", "frames", "group", "emotion", "threads")),
        "evaluate-emotions" => EvaluateEmotionsCommand.Run(new CliArgs(rest, "labels", "model", "margin")),
        "calibrate-identity" => CalibrateIdentityCommand.Run(new CliArgs(rest, "data")),
        "import" => FaceAspire.Cli.Import.ImportCommand.Run(new CliArgs(rest, "source", "api", "key", "parallel", "max-rate")),
        "jobs" => JobsCommand.Run(new CliArgs(rest, "api", "key", "params")),
        "help" or "--help" or "-h" => Ok(Usage),
        var other => throw new UsageException($"Unknown command '{other}'."),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}
catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException
                           or FaceAspire.Vision.Onnx.ExecutionProviderUnavailableException)
{
    AnsiConsole.MarkupLineInterpolated($"[red]{e.Message}[/]");
    return 1;
}

static int Ok(string text) { Console.WriteLine(text); return 0; }
