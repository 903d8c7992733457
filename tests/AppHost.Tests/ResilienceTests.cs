using System.Net;
using System.Net.Sockets;
using FaceAspire.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Polly.Timeout;

namespace FaceAspire.AppHost.Tests;

/// <summary>The default HttpClient handler against a real local server that fails on purpose.</summary>
public sealed class ResilienceTests
{
    /// <summary>Answers each request with the next status in the script (the last one repeats), after a delay.</summary>
    private sealed class FlakyServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private int _requests;

        public FlakyServer(int[] statuses, TimeSpan delay = default)
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
            }
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext ctx;
                    try { ctx = await _listener.GetContextAsync(); } catch (Exception) { return; }
                    var n = Interlocked.Increment(ref _requests);
                    _ = Task.Run(async () =>
                    {
                        await Task.Delay(delay);
                        ctx.Response.StatusCode = statuses[Math.Min(n, statuses.Length) - 1];
                        try { ctx.Response.Close(); } catch (Exception) { }
                    });
                }
            });
        }

        public string Url { get; }
        public int Requests => Volatile.Read(ref _requests);
        public void Dispose() => _listener.Close();
    }

    private static IHost Host(int retries, string attemptTimeout = "00:00:05")
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration["HttpResilience:MaxRetryAttempts"] = retries.ToString();
        builder.Configuration["HttpResilience:BaseDelay"] = "00:00:00.010";
        builder.Configuration["HttpResilience:AttemptTimeout"] = attemptTimeout;
        builder.AddServiceDefaults();
        return builder.Build();
    }

    [Fact]
    public async Task TransientFailuresAreRetriedUntilSuccess()
    {
        using var server = new FlakyServer([503, 429, 200]);
        using var host = Host(retries: 3);
        var response = await host.Services.GetRequiredService<IHttpClientFactory>().CreateClient().GetAsync(server.Url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, server.Requests);
    }

    [Fact]
    public async Task GivesUpAfterTheConfiguredAttempts()
    {
        using var server = new FlakyServer([500]);
        using var host = Host(retries: 2);
        var response = await host.Services.GetRequiredService<IHttpClientFactory>().CreateClient().GetAsync(server.Url);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(3, server.Requests); // 1 attempt + 2 retries
    }

    [Fact]
    public async Task ClientErrorsAreNotRetried()
    {
        using var server = new FlakyServer([404, 200]);
        using var host = Host(retries: 3);
        var response = await host.Services.GetRequiredService<IHttpClientFactory>().CreateClient().GetAsync(server.Url);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task SlowAttemptsTimeOutAndAreRetried()
    {
        using var server = new FlakyServer([200], delay: TimeSpan.FromSeconds(3));
        using var host = Host(retries: 1, attemptTimeout: "00:00:00.200");
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => client.GetAsync(server.Url));
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task RefusedConnectionsAreRetriedThenSurface()
    {
        using var host = Host(retries: 2);
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0)) { probe.Start(); port = ((IPEndPoint)probe.LocalEndpoint).Port; }
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"http://127.0.0.1:{port}/"));
    }
}
