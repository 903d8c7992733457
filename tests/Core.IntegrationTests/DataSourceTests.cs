using FaceAspire.Core.Data;
using FaceAspire.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FaceAspire.Core.IntegrationTests;

/// <summary>The services' connection pool, as <see cref="FaceDbServiceCollectionExtensions.AddFaceDb"/> builds it.</summary>
public sealed class DataSourceTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task ServiceSessionsRunWithoutJitAndWithAutoPrepare()
    {
        await using var services = new ServiceCollection().AddFaceDb(db.AppConnectionString).BuildServiceProvider();
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        await using var command = dataSource.CreateCommand("SELECT current_setting('jit')");
        Assert.Equal("off", await command.ExecuteScalarAsync());
        // The server default stays on: only the services' own sessions opt out.
        await using var plain = db.AppDataSource.CreateCommand("SELECT current_setting('jit')");
        Assert.Equal("on", await plain.ExecuteScalarAsync());
        Assert.Equal(64, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxAutoPrepare);
    }
}
