using System.CommandLine;
using System.CommandLine.Invocation;
using FaceAspire.ApiClient;
using FaceAspire.Vision.Imaging;
using FaceAspire.Vision.Onnx;

namespace FaceAspire.Cli.CommandLine;

/// <summary>
/// Runs a System.CommandLine root command with the exit codes of <see cref="ExitCodes"/>. System.CommandLine itself
/// returns 1 for a parse error and prints the help on stdout; scripts here tell a wrong command line (2) from a failed
/// run (1), and read results from stdout, so errors and help go to stderr.
/// </summary>
public static class CommandLineApp
{
    /// <summary>
    /// Parses <paramref name="args"/> and runs the chosen command. <c>--help</c>/<c>-h</c> on any command prints its
    /// help (exit 0). A parse or validation error prints the errors and the command's help on <paramref name="error"/>
    /// (exit 2). An exception of a kind a user can act on (a missing file or model, an unreadable image, the API refusing
    /// or unreachable, no GPU) prints its message on <paramref name="error"/> (exit 1); any other prints in full (exit 1).
    /// Ctrl+C cancels the token an asynchronous command receives; a command that stops on it ends with exit 130.
    /// </summary>
    /// <param name="root">The commands.</param>
    /// <param name="args">The process arguments.</param>
    /// <param name="output">Where help goes (default stdout); the commands write their results to stdout themselves.</param>
    /// <param name="error">Where errors go (default stderr).</param>
    /// <returns>0, 1 or 2 (<see cref="ExitCodes"/>), or what the command returned.</returns>
    public static async Task<int> RunAsync(RootCommand root, IReadOnlyList<string> args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var result = root.Parse(args);
        if (result.Action is ParseErrorAction)
        {
            await result.InvokeAsync(new InvocationConfiguration { Output = error, Error = error });
            return ExitCodes.Usage;
        }
        try
        {
            return await result.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (IsUserFacing(e))
        {
            await error.WriteLineAsync(e.Message);
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            await error.WriteLineAsync(e.ToString());
            return ExitCodes.Failure;
        }
    }

    // Exceptions whose message says what to do (the file, the model to fetch, the API's answer), so no stack trace.
    private static bool IsUserFacing(Exception e) => e is IOException or UnauthorizedAccessException or InvalidDataException
        or ImageDecodeException or ExecutionProviderUnavailableException or ApiProblemException or HttpRequestException;
}
