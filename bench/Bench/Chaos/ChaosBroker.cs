using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FaceAspire.Core.Contracts;
using FaceAspire.Testing;

namespace FaceAspire.Bench.Chaos;

/// <summary>What the chaos run asks RabbitMQ's management HTTP API (vhost <c>/</c>): consumers of <c>analyze-frame</c>,
/// and the messages left in the <c>_error</c> queues with the reasons MassTransit put in their headers.</summary>
internal sealed class ChaosBroker(RabbitMqBroker broker) : IDisposable
{
    private readonly HttpClient _http = new()
    {
        BaseAddress = new Uri(broker.ManagementUrl),
        Timeout = TimeSpan.FromSeconds(10),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Basic", broker.BasicAuth) },
    };

    /// <summary>Consumers on <c>analyze-frame</c> now (one per worker channel); -1 while the broker does not answer.</summary>
    public async Task<int> ConsumerCountAsync()
    {
        try
        {
            var queue = await _http.GetFromJsonAsync<JsonElement>($"api/queues/%2F/{MessagingNames.AnalyzeFrameQueue}");
            return queue.TryGetProperty("consumers", out var c) ? c.GetInt32() : 0;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return -1;
        }
    }

    /// <summary>Messages in <paramref name="queue"/> (ready + unacknowledged), 0 when it does not exist.</summary>
    public async Task<long> DepthAsync(string queue)
    {
        using var response = await _http.GetAsync($"api/queues/%2F/{Uri.EscapeDataString(queue)}");
        if (!response.IsSuccessStatusCode) return 0;
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0;
    }

    /// <summary>Every <c>*_error</c> queue with messages: queue → (reason → count), the reason being MassTransit's
    /// <c>MT-Fault-ExceptionType: MT-Fault-Message</c> headers (first 200 characters). Messages are peeked and requeued.</summary>
    public async Task<Dictionary<string, Dictionary<string, int>>> ErrorQueuesAsync()
    {
        var result = new Dictionary<string, Dictionary<string, int>>();
        var queues = await _http.GetFromJsonAsync<JsonElement>("api/queues/%2F?columns=name,messages");
        foreach (var queue in queues.EnumerateArray())
        {
            var name = queue.GetProperty("name").GetString()!;
            var count = queue.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : 0;
            if (!name.EndsWith("_error", StringComparison.Ordinal) || count == 0) continue;
            using var response = await _http.PostAsJsonAsync($"api/queues/%2F/{Uri.EscapeDataString(name)}/get",
                new { count = Math.Min(count, 500), ackmode = "ack_requeue_true", encoding = "auto" });
            var reasons = new Dictionary<string, int>();
            foreach (var message in (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray())
            {
                var headers = message.GetProperty("properties").TryGetProperty("headers", out var h) ? h : default;
                string Header(string key) => headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty(key, out var v) ? v.ToString() : "?";
                var reason = $"{Header("MT-Fault-ExceptionType")}: {Header("MT-Fault-Message")}";
                reason = reason.Length > 200 ? reason[..200] : reason;
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }
            if (count > 500) reasons["(not read: more than 500)"] = count - 500;
            result[name] = reasons;
        }
        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
