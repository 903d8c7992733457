using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace FaceAspire.Worker.Extensions;

/// <summary>Readiness of the database: one <c>SELECT 1</c> on the app role's pool, bounded by the check's timeout.</summary>
public sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL is unreachable", e);
        }
    }
}
