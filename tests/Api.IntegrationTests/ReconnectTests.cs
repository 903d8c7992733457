namespace FaceAspire.Api.IntegrationTests;

/// <summary>
/// The Api's long-lived database connections (each ingest writer's and the outbox relay's, see <c>HeldConnection</c>,
/// and the relay's LISTEN connection) survive their PostgreSQL backends being terminated, as in a database restart or
/// failover.
/// </summary>
public sealed class ReconnectTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task FramesPostedAfterTheApisBackendsWereTerminatedAreAcceptedAndDispatchedOnce()
    {
        // Two concurrent posts, so that both writers are likely to hold a connection, and the relay holds one.
        var before = await PostAsync("before", 2);
        await api.AssertQueuedOnceAsync(before);

        var killed = await api.Infrastructure.RunSuperuserSqlAsync(api.DatabaseName, """
            SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                                  WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend') t
            """);
        Assert.True(int.Parse(killed.Trim()) >= 2, $"expected the writer's and the relay's backends, terminated {killed.Trim()}");
        api.AppDataSource.Clear(); // the test's own pooled connections were terminated too

        var after = await PostAsync("after", 6);
        await api.AssertQueuedOnceAsync(after);
        Assert.Equal(8L, await api.ScalarAsync<long>("SELECT count(*) FROM frames"));
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE dispatched_at IS NULL"));
    }

    private async Task<Guid[]> PostAsync(string tag, int count) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i => Assert.Single(await Http.ExpectAcceptedAsync(
            await api.Client.PostAsync("api/frames", Http.Raw(Photos.Variant(Photos.Obama, $"{tag} {i}"))))).Id));
}
