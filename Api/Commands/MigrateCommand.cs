using FaceAspire.Core.Data;
using Npgsql;

namespace FaceAspire.Api.Commands;

/// <summary>
/// <c>FaceAspire.Api migrate</c>: applies Core's migrations with <c>ConnectionStrings:facedb-owner</c> (the owner
/// role) and grants the app role (<c>Database:AppRole</c>, default <c>faceaspire_app</c>). Exit 0 on success,
/// 1 when the migration fails, 2 when the connection string is missing.
/// </summary>
public static class MigrateCommand
{
    /// <summary>Runs the migration; messages go to stdout/stderr.</summary>
    /// <param name="args">Configuration overrides, e.g. <c>--ConnectionStrings:facedb-owner=…</c>.</param>
    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production"}.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        var owner = configuration.GetConnectionString("facedb-owner");
        if (string.IsNullOrWhiteSpace(owner))
        {
            await Console.Error.WriteLineAsync("migrate: ConnectionStrings:facedb-owner is not set (env ConnectionStrings__facedb-owner); nothing was changed.");
            return 2;
        }
        var appRole = configuration["Database:AppRole"] ?? DatabaseMigrator.DefaultAppRole;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            await DatabaseMigrator.MigrateAsync(owner, appRole, cancel.Token);
            var applied = await DatabaseMigrator.GetAppliedMigrationsAsync(owner, cancel.Token);
            Console.WriteLine($"migrate: database is at {applied.LastOrDefault() ?? "(no migration)"} ({applied.Count} applied) in {started.ElapsedMilliseconds} ms");
            return 0;
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or InvalidOperationException or OperationCanceledException)
        {
            var target = new NpgsqlConnectionStringBuilder(owner) { Password = null };
            await Console.Error.WriteLineAsync($"migrate: FAILED on {target.Host}:{target.Port}/{target.Database} as {target.Username}: {e.Message}");
            return 1;
        }
    }
}
