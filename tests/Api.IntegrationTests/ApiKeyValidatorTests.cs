using FaceAspire.Api.Auth;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Testing;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Api.IntegrationTests;

/// <summary><see cref="ApiKeyValidator"/> on a real database, each test with a connection pool of its own.</summary>
public sealed class ApiKeyValidatorTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task ConcurrentRequestsWithAnUncachedKeyShareOneLookupAndOneConnection()
    {
        // A pool whose connections can be told apart in pg_stat_activity.
        var name = $"key-burst-{Guid.NewGuid():N}";
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(db.AppConnectionString) { ApplicationName = name }.ConnectionString);
        var validator = new ApiKeyValidator(dataSource, Options.Create(new ApiOptions()), TimeProvider.System);
        var key = ApiKey.Generate();
        Assert.True(await validator.EnsureAsync("burst", key, CancellationToken.None));

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => validator.ValidateAsync(key, CancellationToken.None))));

        Assert.All(results, r => Assert.NotNull(r));
        Assert.Single(results.Select(r => r!.Id).Distinct());
        // One query: the pool never needed more than the connection EnsureAsync had opened (pooled connections stay
        // connected while idle, so each one it ever opened is still in pg_stat_activity).
        await using var count = db.AppDataSource.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = @n");
        count.Parameters.AddWithValue("n", name);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task AnUnknownKeyIsRefusedEveryTimeAndARevokedOneOnceTheCacheHasExpired()
    {
        await using var dataSource = NpgsqlDataSource.Create(db.AppConnectionString);
        var validator = new ApiKeyValidator(dataSource, Options.Create(new ApiOptions { ApiKeyCacheSeconds = 0 }), TimeProvider.System);
        var unknown = ApiKey.Generate();
        var refused = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => validator.ValidateAsync(unknown, CancellationToken.None))));
        Assert.All(refused, r => Assert.Null(r));

        var key = ApiKey.Generate();
        await validator.EnsureAsync("revoked", key, CancellationToken.None);
        Assert.NotNull(await validator.ValidateAsync(key, CancellationToken.None));
        await using (var revoke = dataSource.CreateCommand("UPDATE api_keys SET revoked_at = now() WHERE name = 'revoked'"))
            await revoke.ExecuteNonQueryAsync();
        Assert.Null(await validator.ValidateAsync(key, CancellationToken.None));
    }
}
