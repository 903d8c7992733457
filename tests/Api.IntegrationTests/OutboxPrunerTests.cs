namespace FaceAspire.Api.IntegrationTests;

/// <summary>The Api pruning its outbox every second, keeping dispatched rows for one hour.</summary>
public sealed class FastPruningApiFixture : ApiFixture
{
    /// <inheritdoc />
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Outbox:KeepDispatchedHours"] = "1",
        ["Outbox:PruneIntervalSeconds"] = "1",
    };
}

/// <summary>Dispatched outbox rows are deleted once their dispatch is older than the retention window.</summary>
public sealed class OutboxPrunerTests(FastPruningApiFixture api) : IClassFixture<FastPruningApiFixture>
{
    [Fact]
    public async Task RowsDispatchedBeforeTheWindowAreDeletedAndRecentlyDispatchedRowsStay()
    {
        // Both rows were created 3 hours ago; only their dispatch time differs. (Pending rows cannot be shown to stay
        // here: the relay would take them first.)
        var ids = new Dictionary<string, long>();
        foreach (var (name, dispatched) in new[] { ("old", "now() - interval '2 hours'"), ("recent", "now() - interval '10 minutes'") })
            ids[name] = await api.ScalarAsync<long>(
                $"INSERT INTO outbox_messages (message_type, body, created_at, dispatched_at) VALUES ('test', '{{}}', now() - interval '3 hours', {dispatched}) RETURNING id");

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await api.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE id = @id", ("id", ids["old"])) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the row dispatched 2 hours ago was not deleted");
            await Task.Delay(200);
        }
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE id = @id", ("id", ids["recent"])));
    }
}
