namespace FaceAspire.Testing;

/// <summary>
/// The container images the tests and benches start, from the same settings the AppHost reads: environment
/// <c>Images__Postgres</c> / <c>Images__RabbitMq</c> (infra/test.sh exports what infra/images.sh printed: the official
/// images where a registry is reachable, local builds from Debian packages where not), else the official images.
/// </summary>
public static class ContainerImages
{
    /// <summary>PostgreSQL 17 with pgvector, e.g. <c>docker.io/pgvector/pgvector:pg17</c>.</summary>
    public static string Postgres => Environment.GetEnvironmentVariable("Images__Postgres") is { Length: > 0 } image
        ? image : "docker.io/pgvector/pgvector:pg17";

    /// <summary>RabbitMQ 4 with the management plugin, e.g. <c>docker.io/library/rabbitmq:4-management</c>.</summary>
    public static string RabbitMq => Environment.GetEnvironmentVariable("Images__RabbitMq") is { Length: > 0 } image
        ? image : "docker.io/library/rabbitmq:4-management";

    /// <summary>Label every test container carries: <c>faceaspire.test-run</c> = <see cref="RunId"/>, so that the
    /// wrapper that started a run (infra/with-containers.sh) removes its own leftovers and never another run's.</summary>
    public const string RunLabel = "faceaspire.test-run";

    /// <summary>This run's id: <c>FACEASPIRE_TEST_RUN</c> (set by infra/with-containers.sh), else "unlabelled".</summary>
    public static string RunId => Environment.GetEnvironmentVariable("FACEASPIRE_TEST_RUN") is { Length: > 0 } id ? id : "unlabelled";
}
