using FaceAspire.Cli.CommandLine;
using FaceAspire.Cli.Tests.Support;

namespace FaceAspire.Cli.Tests;

/// <summary>The command line itself, parsed in-process: help for every command, typed options and their checks, and
/// exit code 2 with the reason on stderr for every kind of mistake.</summary>
public sealed class CommandLineTests
{
    private static readonly string Folder = AppContext.BaseDirectory;
    private static readonly string File = Path.Combine(AppContext.BaseDirectory, "FaceAspire.Cli.dll");
    private static readonly string[] Api = ["--api", "http://127.0.0.1:9", "--key", "k"];

    [Theory]
    [InlineData("", "[command] [options]")]
    [InlineData("analyze", "analyze <PATH>... [options]")]
    [InlineData("verify", "verify <IMG1> <IMG2> [options]")]
    [InlineData("import", "import <DIR> [options]")]
    [InlineData("jobs", "jobs [command] [options]")]
    [InlineData("jobs run", "jobs run <KIND> [options]")]
    [InlineData("jobs status", "jobs status <ID> [options]")]
    [InlineData("jobs list", "jobs list [options]")]
    public async Task EveryCommandHasHelp(string command, string usage)
    {
        var (code, output, error) = await RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains(usage, output);
        Assert.Contains("-h, --help", output);
    }

    [Fact]
    public void ImportReadsItsTypedOptions()
    {
        var result = CliCommands.Create().Parse(["import", Folder, "--parallel=64", "--max-rate", "20", "--recursive", "--source", "cam-1", .. Api]);
        Assert.Empty(result.Errors);
        Assert.Equal(64, result.GetValue<int>("--parallel"));
        Assert.Equal(20, result.GetValue<int>("--max-rate"));
        Assert.True(result.GetValue<bool>("--recursive"));
        Assert.Equal("cam-1", result.GetValue<string>("--source"));
        var defaults = CliCommands.Create().Parse(["import", Folder, .. Api]);
        Assert.Equal(4, defaults.GetValue<int>("--parallel"));
        Assert.Equal(0, defaults.GetValue<int>("--max-rate"));
    }

    [Theory]
    [InlineData("0", "--parallel must be between 1 and 64, got 0.")]
    [InlineData("65", "--parallel must be between 1 and 64, got 65.")]
    [InlineData("two", "--parallel must be a whole number, got 'two'.")]
    public async Task ABoundedIntegerOutOfRangeIsAUsageError(string value, string message) =>
        await AssertUsageErrorAsync(["import", Folder, "--parallel", value, .. Api], message);

    [Fact]
    public async Task AnIntegerWithOnlyALowerBoundSaysSo() =>
        await AssertUsageErrorAsync(["import", Folder, "--max-rate", "-1", .. Api], "--max-rate must be at least 0, got -1.");

    [Theory]
    [InlineData("frobnicate", "Unrecognized command or argument 'frobnicate'.")]
    [InlineData("", "Required command was not provided.")]
    [InlineData("analyze", "Required argument 'PATH' missing for command: 'analyze'.")]
    [InlineData("analyze /no/such/photo.jpg", "No such file or folder: /no/such/photo.jpg")]
    [InlineData("verify /no/such/a.jpg", "No such file: /no/such/a.jpg")]
    [InlineData("import /no/such/folder --api http://127.0.0.1:9 --key k", "No such folder: /no/such/folder")]
    [InlineData("import . --api 127.0.0.1 --key k", "--api must be an absolute http(s) URL, got '127.0.0.1'.")]
    [InlineData("jobs", "Required command was not provided.")]
    [InlineData("jobs status 42 --api http://127.0.0.1:9 --key k", "Cannot parse argument '42'")]
    [InlineData("jobs run reindex --params [1] --api http://127.0.0.1:9 --key k", "--params must be a JSON object, got '[1]'.")]
    [InlineData("jobs run --api http://127.0.0.1:9 --key k", "Required argument 'KIND' missing")]
    public async Task AMistakeIsAUsageErrorThatSaysWhat(string commandLine, string message) =>
        await AssertUsageErrorAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries), message);

    [Fact]
    public async Task AnOptionTheCommandDoesNotHaveIsAUsageError() =>
        await AssertUsageErrorAsync(["analyze", File, "--jsno"], "Unknown option '--jsno'.");

    [Fact]
    public async Task AnEmotionModelThatIsNotInTheManifestIsAUsageError() =>
        await AssertUsageErrorAsync(["analyze", File, "--emotion", "no_such_model"], "--emotion: no model 'no_such_model' in models/manifest.json; known: yunet");

    [Fact]
    public void JobsTakeATypedIdAndAJsonObject()
    {
        var id = Guid.NewGuid();
        var status = CliCommands.Create().Parse(["jobs", "status", id.ToString(), .. Api]);
        Assert.Empty(status.Errors);
        Assert.Equal(id, status.GetValue<Guid>("ID"));
        var run = CliCommands.Create().Parse(["jobs", "run", "retention", "--params", """{"emotionDays":30}""", "--no-wait", .. Api]);
        Assert.Empty(run.Errors);
        Assert.Equal("""{"emotionDays":30}""", run.GetValue<string>("--params"));
    }

    private static async Task AssertUsageErrorAsync(string[] args, string message)
    {
        var (code, output, error) = await RunAsync(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, error);
        Assert.Contains("Usage:", error);
        Assert.Equal("", output); // nothing on stdout, which scripts read for results
    }

    private static Task<(int Code, string Output, string Error)> RunAsync(string[] args) => CommandLineRun.RunAsync(CliCommands.Create(), args);
}
