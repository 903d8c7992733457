using System.CommandLine;
using FaceAspire.Bench.Commands;

namespace FaceAspire.Bench;

/// <summary>The bench's commands: throughput and accuracy figures, printed; nothing here runs in production.</summary>
public static class BenchCommands
{
    /// <summary>The root command: <c>vision</c>, <c>ingest</c>, <c>calibrate-identity</c>, <c>evaluate-identity</c>, <c>gate-curve</c>, <c>evaluate-emotions</c>, <c>chaos</c>, <c>encryption</c>.</summary>
    public static RootCommand Create() => new("""
        FaceAspire benchmarks and evaluations: each prints its figures (ratios are taken within one run).
        Models come from models/manifest.json (run models/fetch.sh first); photos from ../shared/data (FACEASPIRE_SHARED).
        `ingest` without --url and `chaos` start PostgreSQL and RabbitMQ containers: run them under bash infra/with-containers.sh.
        The end-to-end and identity-match benches are tests/Worker.Bench. Exit codes: 0 done, 1 failed, 2 wrong command line.
        """)
    {
        VisionCommand.Create(),
        IngestCommand.Create(),
        CalibrateIdentityCommand.Create(),
        EvaluateIdentityCommand.Create(),
        GateCurveCommand.Create(),
        EvaluateEmotionsCommand.Create(),
        ChaosCommand.Create(),
        EncryptionCommand.Create(),
    };
}
