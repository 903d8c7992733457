using Spectre.Console;

namespace FaceAspire.Cli.CommandLine;

/// <summary>
/// The Spectre.Console console the commands write tables, progress and coloured lines through. On a terminal it is
/// Spectre's own detection (colours, live progress bars, the terminal's width). When stdout is a file or a pipe it is
/// plain: no escape codes, no live redrawing (Spectre's non-interactive progress), and lines as wide as
/// <see cref="PlainWidth"/> so that a table row or a failure line is not wrapped at 80 columns for the log or script
/// that reads it. <c>NO_COLOR</c> is honoured either way (Spectre).
/// </summary>
public static class Terminal
{
    /// <summary>Columns of plain output.</summary>
    public const int PlainWidth = 240;

    /// <summary>A console over <paramref name="output"/> (default stdout).</summary>
    /// <param name="output">The writer; default <see cref="Console.Out"/>.</param>
    /// <param name="plain">Force plain output (true) or terminal detection (false); default: plain when stdout is redirected.</param>
    public static IAnsiConsole Create(TextWriter? output = null, bool? plain = null)
    {
        var isPlain = plain ?? Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = isPlain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = isPlain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = isPlain ? InteractionSupport.No : InteractionSupport.Detect,
            Out = new AnsiConsoleOutput(output ?? Console.Out),
        });
        if (isPlain)
            console.Profile.Width = PlainWidth;
        return console;
    }
}
