using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FaceAspire.ServiceDefaults.Tests;

/// <summary>The standard resilience handler that every HttpClient gets, against a real local server that fails on purpose.</summary>
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

    private static IHost Host()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        return builder.Build();
    }

    [Fact]
    public async Task TransientFailuresAreRetriedUntilSuccess()
    {
        using var server = new FlakyServer([503, 200]);
        using var host = Host();
        var response = await host.Services.GetRequiredService<IHttpClientFactory>().CreateClient().GetAsync(server.Url);
        Assert.Equal((HttpStatusCode.OK, 2), (response.StatusCode, server.Requests));
    }

    [Fact]
    public async Task ClientErrorsAreNotRetried()
    {
        using var server = new FlakyServer([400, 200]);
        using var host = Host();
        var response = await host.Services.GetRequiredService<IHttpClientFactory>().CreateClient().GetAsync(server.Url);
        Assert.Equal((HttpStatusCode.BadRequest, 1), (response.StatusCode, server.Requests));
    }
}
