using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaceAspire.AppHost.Extensions;

/// <summary>
/// Writes <c>.run/endpoints.json</c> at the repository root once the api, the admin and every worker replica report
/// healthy: <c>{"api", "apiReference", "admin", "dashboard", "apiKey"}</c> (the dashboard URL carries its login token).
/// Scripts, the import CLI and the README's curl lines read it. The file is mode 600 (it holds the dev API key) and is
/// deleted when the AppHost stops, so a stale file never points at a system that is gone.
/// </summary>
internal sealed class EndpointsFile(
    ResourceNotificationService notifications, DistributedApplicationModel model, IConfiguration configuration, string path,
    EndpointReference api, EndpointReference admin, ReferenceExpression apiKey, ILogger<EndpointsFile> logger) : BackgroundService
{
    /// <summary>Resources whose health gates the file (every replica of each).</summary>
    private static readonly string[] Gates = ["api", "worker", "admin"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WaitForHealthyAsync(stoppingToken);
            var dashboard = DashboardUrl();
            var token = configuration["AppHost:BrowserToken"];
            var content = new Dictionary<string, string?>
            {
                ["api"] = api.Url,
                ["apiReference"] = api.Url + "/scalar",
                ["admin"] = admin.Url,
                ["dashboard"] = dashboard is null ? null : string.IsNullOrEmpty(token) ? dashboard : $"{dashboard}/login?t={token}",
                ["apiKey"] = await apiKey.GetValueAsync(stoppingToken),
            };
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            WriteSecret(path, JsonSerializer.Serialize(content, new JsonSerializerOptions { WriteIndented = true }));
            logger.LogInformation("Everything is healthy: api {Api}, admin {Admin}; endpoints in {Path}", api.Url, admin.Url, path);
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The dashboard's address: its resource's allocated endpoint (ports are randomised under
    /// Aspire.Hosting.Testing), else the AppHost's <c>ASPNETCORE_URLS</c> (the launch profile's, when run).</summary>
    private string? DashboardUrl()
    {
        var dashboard = model.Resources.OfType<IResourceWithEndpoints>().FirstOrDefault(r => r.Name == "aspire-dashboard");
        var endpoint = dashboard?.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(e => e.UriScheme is "http" or "https");
        return endpoint?.AllocatedEndpoint?.UriString ?? configuration["ASPNETCORE_URLS"]?.Split(';')[0];
    }

    /// <summary>Watches resource snapshots until every replica of each gate resource is healthy.</summary>
    private async Task WaitForHealthyAsync(CancellationToken cancellationToken)
    {
        var health = new Dictionary<string, (string Name, bool Healthy)>();
        await foreach (var update in notifications.WatchAsync(cancellationToken))
        {
            if (!Gates.Contains(update.Resource.Name))
                continue;
            health[update.ResourceId] = (update.Resource.Name, update.Snapshot.HealthStatus == HealthStatus.Healthy);
            if (Gates.All(g => health.Values.Any(h => h.Name == g)) && health.Values.All(h => h.Healthy))
                return;
        }
    }

    /// <summary>Writes through a temporary file created with mode 600, then renames: readers never see a partial
    /// file, and the key in it is never world-readable, even briefly.</summary>
    private static void WriteSecret(string path, string content)
    {
        var temp = path + ".tmp";
        File.Delete(temp);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(content);
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>Registers <see cref="EndpointsFile"/>.</summary>
internal static class EndpointsFileExtensions
{
    /// <summary>Writes <c>&lt;repo&gt;/.run/endpoints.json</c> (the AppHost project's parent folder) once everything
    /// is healthy; <c>AppHost:EndpointsFile</c> overrides the path.</summary>
    public static void WriteEndpointsFileWhenHealthy(this IDistributedApplicationBuilder builder,
        IResourceBuilder<ProjectResource> api, IResourceBuilder<ProjectResource> admin, ReferenceExpression apiKey)
    {
        var path = builder.Configuration["AppHost:EndpointsFile"]
            ?? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".run", "endpoints.json"));
        builder.Services.AddHostedService(sp => new EndpointsFile(
            sp.GetRequiredService<ResourceNotificationService>(), sp.GetRequiredService<DistributedApplicationModel>(), builder.Configuration, path,
            api.GetEndpoint("http"), admin.GetEndpoint("http"), apiKey, sp.GetRequiredService<ILogger<EndpointsFile>>()));
    }
}
