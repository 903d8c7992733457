using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace FaceAspire.Api.Extensions;

/// <summary>Readiness: the app role can reach <c>facedb</c> and read <c>frames</c> (so the schema is migrated).</summary>
internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1 FROM frames LIMIT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("facedb is not reachable or not migrated: " + e.Message);
        }
    }
}
