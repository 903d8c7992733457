using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace FaceAspire.ServiceDefaults.Tests;

public sealed class ServiceDefaultsTests
{
    private static readonly ActivitySource Vision = new("FaceAspire.Vision");

    [Fact]
    public async Task SpansOfAServiceReachAnOtlpReceiverAsOneTraceWithParentLinks()
    {
        using var receiver = new OtlpReceiver();
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "svc-under-test",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "service.instance.id=svc-1",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        // A request that calls back into the service through IHttpClientFactory: server → client → server spans,
        // plus our own "FaceAspire.Vision" span with a child stage, all in one trace.
        app.MapGet("/outer", async (IHttpClientFactory factory, HttpContext ctx) =>
        {
            using (var analyze = Vision.StartActivity("analyze"))
            using (Vision.StartActivity("detect")) { }
            var self = $"{ctx.Request.Scheme}://{ctx.Request.Host}";
            return await factory.CreateClient().GetStringAsync($"{self}/inner/7");
        });
        app.MapGet("/inner/{id}", (int id) => Results.Text("Healthy"));
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using (var client = new HttpClient())
        {
            Assert.Equal("Healthy", await client.GetStringAsync(url + "/health")); // a probe: not recorded
            Assert.Equal("Healthy", await client.GetStringAsync(url + "/outer"));
        }
        await app.StopAsync(); // flushes the batch exporter
        await app.DisposeAsync();

        var spans = receiver.Spans;
        Assert.All(spans, s => Assert.Equal("svc-under-test", s.ServiceName));
        Assert.All(spans, s => Assert.Equal("svc-1", s.InstanceId));
        Assert.DoesNotContain(spans, s => s.Scope == "Microsoft.AspNetCore" && s.Attributes.GetValueOrDefault("url.path") == "/health");
        // The test's own HttpClient is in-process and instrumented too: its /outer call is the root.
        spans = [.. spans.Where(s => s.TraceId == spans.Single(r => r.Attributes.GetValueOrDefault("url.full", "").EndsWith("/outer")).TraceId)];
        var root = Assert.Single(spans, s => s.ParentSpanId == "");
        Assert.Equal("System.Net.Http", root.Scope);
        var outer = Assert.Single(spans, s => s.ParentSpanId == root.SpanId);
        Assert.Equal("Microsoft.AspNetCore", outer.Scope);
        var clientSpan = Assert.Single(spans, s => s.Scope == "System.Net.Http" && s.ParentSpanId == outer.SpanId);
        var inner = Assert.Single(spans, s => s.ParentSpanId == clientSpan.SpanId); // traceparent propagated over HTTP
        Assert.Equal("Microsoft.AspNetCore", inner.Scope);
        Assert.Equal("GET /outer", outer.Name);
        Assert.Equal("GET /inner/{id}", inner.Name);
        Assert.Equal("/inner/7", inner.Attributes["url.path"]);
        Assert.Equal("/inner/{id}", inner.Attributes["http.route"]);
        Assert.Equal("200", inner.Attributes["http.response.status_code"]);
        var analyzeSpan = Assert.Single(spans, s => s.Name == "analyze");
        var detect = Assert.Single(spans, s => s.Name == "detect");
        Assert.All(spans, s => Assert.Equal(root.TraceId, s.TraceId));
        Assert.Equal(outer.SpanId, analyzeSpan.ParentSpanId);
        Assert.Equal(analyzeSpan.SpanId, detect.ParentSpanId);
        Assert.Equal("FaceAspire.Vision", detect.Scope);
        Assert.True(receiver.Posts("/v1/metrics") >= 1, "metrics were exported");
        Assert.True(receiver.Posts("/v1/logs") >= 1, "logs were exported");
    }

    [Fact]
    public async Task NothingIsExportedWithoutAnEndpoint()
    {
        using var receiver = new OtlpReceiver();
        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        using var host = builder.Build();
        await host.StartAsync();
        using (Vision.StartActivity("analyze")) { }
        await host.StopAsync();
        Assert.Empty(receiver.Spans);
        Assert.Equal(0, receiver.Posts("/v1/traces"));
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task HealthAndAliveAnswerLocalCallersInEveryEnvironment(string environment)
    {
        await using var app = await StartAsync(environment, "127.0.0.1");
        var brokerUp = false;
        HealthCheck.Current = () => brokerUp;
        using var client = new HttpClient { BaseAddress = new Uri(Url(app)) };
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
        brokerUp = true;
        var health = await client.GetAsync("/health");
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (health.StatusCode, await health.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task OutsideDevelopmentHealthIsHiddenFromOtherMachines()
    {
        // The machine's own non-loopback address stands in for another machine: the server sees it as the caller.
        var address = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        foreach (var (environment, expected) in new[] { ("Production", HttpStatusCode.NotFound), ("Development", HttpStatusCode.OK) })
        {
            await using var app = await StartAsync(environment, address.ToString());
            HealthCheck.Current = () => true;
            using var client = new HttpClient { BaseAddress = new Uri(Url(app)) };
            Assert.Equal(expected, (await client.GetAsync("/health")).StatusCode);
            Assert.Equal(expected, (await client.GetAsync("/alive")).StatusCode);
        }
    }

    private static async Task<WebApplication> StartAsync(string environment, string host)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseUrls($"http://{host}:0");
        builder.AddServiceDefaults();
        builder.Services.AddHealthChecks().AddCheck("broker",
            () => HealthCheck.Current() ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("down"), [Extensions.ReadyTag]);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        return app;
    }

    private static string Url(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    private static class HealthCheck
    {
        public static Func<bool> Current { get; set; } = () => true;
    }
}
