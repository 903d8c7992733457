using FaceAspire.Core.Data;
using Npgsql;

namespace FaceAspire.Core.Tests;

public sealed class DataSourceDefaultsTests
{
    [Theory]
    [InlineData("Host=h;Username=u", 64, 2)]
    [InlineData("Host=h;Username=u;Max Auto Prepare=0", 0, 2)]
    [InlineData("Host=h;Username=u;MaxAutoPrepare=10;Auto Prepare Min Usages=5", 10, 5)]
    public void AutoPrepareIsOnUnlessTheConnectionStringSaysOtherwise(string connectionString, int maxAutoPrepare, int minUsages)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        FaceDbServiceCollectionExtensions.ApplyPerformanceDefaults(builder, connectionString);
        Assert.Equal((maxAutoPrepare, minUsages), (builder.MaxAutoPrepare, builder.AutoPrepareMinUsages));
    }

    [Theory]
    [InlineData("Host=h;Username=u", "-c jit=off")]
    [InlineData("Host=h;Username=u;Options=-c statement_timeout=5000", "-c statement_timeout=5000 -c jit=off")]
    [InlineData("Host=h;Username=u;Options=-c jit=on", "-c jit=on")]
    public void JitIsOffUnlessTheConnectionStringSetsIt(string connectionString, string options)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        FaceDbServiceCollectionExtensions.ApplyPerformanceDefaults(builder, connectionString);
        Assert.Equal(options, builder.Options);
    }
}
