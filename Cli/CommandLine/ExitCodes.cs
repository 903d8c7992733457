namespace FaceAspire.Cli.CommandLine;

/// <summary>The exit codes of the CLI and the bench, as scripts read them.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked (for <c>analyze</c>: even when some files could not be read; each has its error).</summary>
    public const int Ok = 0;

    /// <summary>The command ran and failed: a file, model or service it needs is missing or refused, a job failed.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: an unknown command or option, a missing or malformed value, a path that
    /// does not exist, no API endpoint known. Nothing was done.</summary>
    public const int Usage = 2;

    /// <summary>Stopped by Ctrl+C (SIGINT) or SIGTERM before it was done, as shells report a process ended by SIGINT.</summary>
    public const int Interrupted = 130;
}
