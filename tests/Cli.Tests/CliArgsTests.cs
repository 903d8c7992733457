namespace FaceAspire.Cli.Tests;

/// <summary><see cref="CliArgs"/>: a bounded integer option is read, defaulted, or refused as a usage error.</summary>
public sealed class CliArgsTests
{
    [Theory]
    [InlineData(new string[0], 4)]
    [InlineData(new[] { "--parallel", "1" }, 1)]
    [InlineData(new[] { "--parallel=64" }, 64)]
    public void ABoundedIntegerWithinItsRangeIsRead(string[] args, int expected) =>
        Assert.Equal(expected, new CliArgs(args, "parallel").GetInt("parallel", 4, min: 1, max: 64));

    [Theory]
    [InlineData("0", "--parallel must be between 1 and 64, got 0.")]
    [InlineData("65", "--parallel must be between 1 and 64, got 65.")]
    [InlineData("two", "--parallel must be a whole number, got 'two'.")]
    public void ABoundedIntegerOutOfRangeIsAUsageError(string value, string message)
    {
        var e = Assert.Throws<UsageException>(() => new CliArgs(["--parallel", value], "parallel").GetInt("parallel", 4, min: 1, max: 64));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void AnIntegerWithOnlyALowerBoundSaysSo()
    {
        var e = Assert.Throws<UsageException>(() => new CliArgs(["--max-rate", "-1"], "max-rate").GetInt("max-rate", 0, min: 0));
        Assert.Equal("--max-rate must be at least 0, got -1.", e.Message);
    }
}
