using FaceAspire.Cli.CommandLine;
using FaceAspire.Cli.Tests.Support;

namespace FaceAspire.Bench.Tests;

/// <summary>The bench's command line, parsed in-process: help for every command, exit code 2 for mistakes.</summary>
public sealed class BenchCommandLineTests
{
    [Theory]
    [InlineData("", "[command] [options]")]
    [InlineData("vision", "vision [options]")]
    [InlineData("ingest", "ingest [options]")]
    [InlineData("calibrate-identity", "calibrate-identity [options]")]
    [InlineData("evaluate-emotions", "evaluate-emotions <DIR> [options]")]
    [InlineData("chaos", "chaos [options]")]
    [InlineData("encryption", "encryption [options]")]
    public async Task EveryCommandHasHelp(string command, string usage)
    {
        var (code, output, error) = await RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains(usage, output);
    }

    [Theory]
    [InlineData("bench", "Unrecognized command or argument 'bench'.")]
    [InlineData("vision --threads 1,0", "--threads must be between 1 and 64, got 0.")]
    [InlineData("vision --seconds 0", "--seconds must be at least 1, got 0.")]
    [InlineData("vision --frames /no/such/folder", "No such folder for --frames: /no/such/folder")]
    [InlineData("ingest -n 0", "-n must be at least 1, got 0.")]
    [InlineData("ingest -c 16,x", "-c must be a whole number, got 'x'.")]
    [InlineData("ingest --url http://127.0.0.1:5180", "--key is required with --url.")]
    [InlineData("evaluate-emotions .", "Option '--labels' is required.")]
    [InlineData("encryption --photos 0", "--photos must be between 1 and 10000, got 0.")]
    [InlineData("evaluate-emotions . --labels x.csv --margin wide", "--margin must be a number, got 'wide'.")]
    [InlineData("chaos --workers 1", "--workers must be between 2 and 8, got 1.")]
    [InlineData("chaos --rate 0", "--rate must be in (0, 1000].")]
    public async Task AMistakeIsAUsageErrorThatSaysWhat(string commandLine, string message)
    {
        var (code, output, error) = await RunAsync(commandLine.Split(' '));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, error);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("vision", "--threads", new[] { 1, 2 })]
    [InlineData("vision --threads 2", "--threads", new[] { 2 })]
    [InlineData("vision --threads 1,2,4", "--threads", new[] { 1, 2, 4 })]
    [InlineData("ingest", "-c", new[] { 16 })]
    [InlineData("ingest -c 16,32,64", "-c", new[] { 16, 32, 64 })]
    public void AListOptionIsItsDefaultWhenAbsentAndWhatWasGivenOtherwise(string commandLine, string option, int[] expected)
    {
        var result = BenchCommands.Create().Parse(commandLine.Split(' '));
        Assert.Empty(result.Errors);
        var list = (FaceAspire.Cli.CommandLine.CliOptions.IntListOption)result.CommandResult.Command.Options.Single(o => o.Name == option);
        Assert.Equal(expected, list.ValueOf(result));
    }

    [Fact]
    public async Task TheIngestImageMustBeAJpeg()
    {
        var png = Path.Combine(Path.GetTempPath(), $"faceaspire-bench-{Guid.NewGuid():N}.jpg");
        await File.WriteAllBytesAsync(png, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        try
        {
            var (code, _, error) = await RunAsync(["ingest", "--image", png]);
            Assert.Equal(ExitCodes.Usage, code);
            Assert.Contains($"--image must be a JPEG: {png}", error);
        }
        finally
        {
            File.Delete(png);
        }
    }

    private static Task<(int Code, string Output, string Error)> RunAsync(string[] args) => CommandLineRun.RunAsync(BenchCommands.Create(), args);
}
