using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>Reads MassTransit envelopes straight off a RabbitMQ queue with the raw client (no consumer, no MassTransit).</summary>
public static class RabbitQueue
{
    /// <summary>
    /// Takes (and acks) messages from <paramref name="queue"/> until every id in <paramref name="expected"/> arrived or
    /// <paramref name="timeout"/> passed, then keeps listening for <paramref name="settle"/> to catch extras.
    /// Returns the frame ids of the AnalyzeFrame messages, in arrival order. A queue that does not exist yet counts as empty.
    /// </summary>
    public static async Task<List<Guid>> DrainFrameIdsAsync(string amqpUrl, IReadOnlyCollection<Guid> expected, TimeSpan timeout, TimeSpan settle,
        string queue = "analyze-frame")
    {
        var ids = new List<Guid>();
        var factory = new ConnectionFactory { Uri = new Uri(amqpUrl) };
        await using var connection = await factory.CreateConnectionAsync();
        var deadline = DateTime.UtcNow + timeout;
        DateTime? settleUntil = null;
        while (true)
        {
            var now = DateTime.UtcNow;
            if (expected.All(ids.Contains))
                settleUntil ??= now + settle;
            if ((settleUntil is { } s && now >= s) || (settleUntil is null && now >= deadline))
                return ids;
            var got = await TryGetAsync(connection, queue);
            if (got is null)
            {
                await Task.Delay(50);
                continue;
            }
            ids.Add(got.Value);
        }
    }

    private static async Task<Guid?> TryGetAsync(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            var result = await channel.BasicGetAsync(queue, autoAck: true);
            if (result is null)
                return null;
            using var envelope = JsonDocument.Parse(result.Body);
            var types = envelope.RootElement.GetProperty("messageType").EnumerateArray().Select(t => t.GetString()).ToList();
            Assert.Contains("urn:message:FaceAspire.Core.Contracts:AnalyzeFrame", types);
            return envelope.RootElement.GetProperty("message").GetProperty("frameId").GetGuid();
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return null; // queue not declared yet: nothing was sent
        }
    }
}
