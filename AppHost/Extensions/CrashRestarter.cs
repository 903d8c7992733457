using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaceAspire.AppHost.Extensions;

/// <summary>
/// Starts a service again when it exits on its own while running: a worker replica killed by the OOM killer or a
/// SIGKILL, a crash. The broker redelivers what the dead process had not acknowledged, so the other replicas finish
/// those frames meanwhile; this brings the capacity back. A resource stopped from the dashboard passes through
/// "Stopping" and is left alone. Restarts back off (1, 2, 4 … 60 s) while a resource keeps crashing within 10
/// minutes of its last restart.
/// </summary>
internal sealed class CrashRestarter(
    ResourceNotificationService notifications, ResourceCommandService commands, IHostApplicationLifetime lifetime,
    IReadOnlySet<string> resources, ILogger<CrashRestarter> logger) : BackgroundService
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CalmAfter = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastState = new Dictionary<string, string?>();
        var restarts = new Dictionary<string, (int Count, DateTime At)>();
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                if (!resources.Contains(update.Resource.Name))
                    continue;
                var state = update.Snapshot.State?.Text;
                var previous = lastState.GetValueOrDefault(update.ResourceId);
                lastState[update.ResourceId] = state;
                if (previous != KnownResourceStates.Running || state is not ("Exited" or "Finished" or "FailedToStart")
                    || lifetime.ApplicationStopping.IsCancellationRequested)
                    continue;
                var (count, at) = restarts.GetValueOrDefault(update.ResourceId);
                count = DateTime.UtcNow - at > CalmAfter ? 0 : count;
                restarts[update.ResourceId] = (count + 1, DateTime.UtcNow);
                var delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, count), MaxDelay.TotalSeconds));
                logger.LogWarning("{Resource} exited unexpectedly (exit code {ExitCode}); starting it again in {Delay} s",
                    update.ResourceId, update.Snapshot.ExitCode, delay.TotalSeconds);
                _ = RestartAsync(update.ResourceId, delay, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RestartAsync(string resourceId, TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
            var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, stoppingToken);
            if (!result.Success)
                logger.LogError("Could not start {Resource} again: {Error}", resourceId, result.Message);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>Registers <see cref="CrashRestarter"/>.</summary>
internal static class CrashRestarterExtensions
{
    /// <summary>Restarts <paramref name="resources"/> when they exit unexpectedly, unless
    /// <c>AppHost:RestartCrashedServices</c> is false.</summary>
    public static void RestartWhenCrashed(this IDistributedApplicationBuilder builder, params IResourceBuilder<ProjectResource>[] resources)
    {
        if (!builder.Configuration.GetValue("AppHost:RestartCrashedServices", true))
            return;
        var names = resources.Select(r => r.Resource.Name).ToHashSet();
        builder.Services.AddHostedService(sp => new CrashRestarter(
            sp.GetRequiredService<ResourceNotificationService>(), sp.GetRequiredService<ResourceCommandService>(),
            sp.GetRequiredService<IHostApplicationLifetime>(), names, sp.GetRequiredService<ILogger<CrashRestarter>>()));
    }
}
