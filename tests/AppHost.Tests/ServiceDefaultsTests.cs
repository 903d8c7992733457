using System.Diagnostics;
using System.Net;
using FaceAspire.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace FaceAspire.AppHost.Tests;

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

    [Fact]
    public async Task GenericHostServesHealthAndAliveOnHealthPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["HEALTH_PORT"] = port.ToString();
        builder.AddServiceDefaults();
        var brokerUp = false;
        builder.Services.AddHealthChecks().AddCheck("broker",
            () => brokerUp ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("down"), [Extensions.ReadyTag]);
        using var host = builder.Build();
        await host.StartAsync();
        using var client = new HttpClient();
        var baseUrl = $"http://127.0.0.1:{port}";
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync(baseUrl + "/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(baseUrl + "/alive")).StatusCode);
        brokerUp = true;
        var health = await client.GetAsync(baseUrl + "/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(baseUrl + "/other")).StatusCode);
        await host.StopAsync();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(baseUrl + "/alive"));
    }

    [Theory]
    [InlineData("HttpResilience:MaxRetryAttempts", "50", "MaxRetryAttempts")]
    [InlineData("HttpResilience:AttemptTimeout", "00:01:00", "TotalTimeout must be at least AttemptTimeout")]
    [InlineData("HEALTH_PORT", "70000", "Port")]
    public async Task OutOfRangeSettingsFailAtStart(string key, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration[key] = value;
        builder.Configuration["HttpResilience:TotalTimeout"] = "00:00:20";
        builder.AddServiceDefaults();
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, error.Message);
    }
}
