using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Api.Auth;

/// <summary>
/// Inserts <see cref="ApiOptions.BootstrapApiKey"/> (hashed, with every scope: it is the development key) before the server starts listening
/// (<see cref="IHostedLifecycleService.StartingAsync"/> runs before any hosted service's StartAsync, including the
/// web server's). Retries for up to 30 s while the database is unreachable, then fails the start.
/// </summary>
internal sealed class ApiKeyBootstrapper(ApiKeyValidator validator, IOptions<ApiOptions> options, ILogger<ApiKeyBootstrapper> logger)
    : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (options.Value.BootstrapApiKey is not { Length: > 0 } key)
            return;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        for (var delay = 250; ; delay = Math.Min(delay * 2, 4000))
        {
            try
            {
                var inserted = await validator.EnsureAsync("bootstrap", key, cancellationToken);
                logger.LogInformation("Bootstrap API key {Prefix}… {State}", key[..Math.Min(8, key.Length)],
                    inserted ? "inserted" : "already present");
                return;
            }
            catch (NpgsqlException e) when (DateTime.UtcNow < deadline && e.IsTransient)
            {
                logger.LogWarning("Database not reachable for the bootstrap API key ({Message}); retrying", e.Message);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
