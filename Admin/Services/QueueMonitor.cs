using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace FaceAspire.Admin.Services;

/// <summary>Depth and consumer count of a RabbitMQ queue; consumers on the analyze queue = workers online.</summary>
/// <param name="Messages">Messages in the queue (ready + unacknowledged).</param>
/// <param name="Consumers">Consumers attached.</param>
public sealed record QueueFigures(long Messages, int Consumers);

/// <summary>
/// Reads <see cref="QueueFigures"/> from the RabbitMQ management HTTP API
/// (<c>GET /api/queues/{vhost}/{queue}</c>, fields <c>messages</c> and <c>consumers</c>), authenticating with the
/// user and password of <c>ConnectionStrings:messaging</c>. Returns null (the dashboard shows "—") when the
/// management URL is not configured, the broker is unreachable, or the queue does not exist yet.
/// </summary>
public sealed class QueueMonitor(HttpClient http, IOptions<AdminOptions> options, IConfiguration configuration, ILogger<QueueMonitor> logger)
{
    /// <summary>The configured analyze queue's figures, or null (see the class summary).</summary>
    public async Task<QueueFigures?> GetAsync(CancellationToken ct)
    {
        var admin = options.Value;
        // Admin:RabbitMqManagementUrl, else the AppHost's ConnectionStrings:messaging-management.
        var management = admin.RabbitMqManagementUrl is { Length: > 0 } configured ? configured : configuration.GetConnectionString("messaging-management");
        if (string.IsNullOrEmpty(management) || configuration.GetConnectionString("messaging") is not { Length: > 0 } amqp)
            return null;
        var broker = new Uri(amqp);
        var vhost = broker.AbsolutePath.Trim('/') is { Length: > 0 } v ? Uri.UnescapeDataString(v) : "/";
        var url = new Uri(new Uri(management), $"api/queues/{Uri.EscapeDataString(vhost)}/{Uri.EscapeDataString(admin.AnalyzeQueue)}");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(broker.UserInfo))));
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
                return null;
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var root = doc.RootElement;
            return new QueueFigures(
                root.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0,
                root.TryGetProperty("consumers", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            logger.LogDebug(e, "RabbitMQ management API not reachable at {Url}", url);
            return null;
        }
    }
}
