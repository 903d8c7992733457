using FaceAspire.Core.Data;
using Npgsql;
using Xunit;

namespace FaceAspire.Testing;

/// <summary>
/// A FRESH database per test class on the shared <see cref="TestInfrastructure"/>: <c>facedb_&lt;random&gt;</c>
/// owned by the owner role, with the vector extension (created as superuser), CONNECT for the app role, and the
/// schema applied by <see cref="DatabaseMigrator"/> (which also grants the app role its row privileges). Dropped
/// (WITH FORCE) when the class is done.
/// <para>
/// Use: <c>public sealed class MyTests(PostgresDatabaseFixture db) : IClassFixture&lt;PostgresDatabaseFixture&gt;</c>,
/// then <see cref="AppDataSource"/> / <see cref="CreateDbContext"/> for the services' view (app role, DML only) or
/// <see cref="OwnerConnectionString"/> for schema-level checks. Subclass and override
/// <see cref="ApplyMigrations"/> = false to get an empty database.
/// </para>
/// </summary>
public class PostgresDatabaseFixture : IAsyncLifetime
{
    private NpgsqlDataSource? _appDataSource;
    private NpgsqlDataSource? _ownerDataSource;

    /// <summary>The shared infrastructure (valid after <see cref="InitializeAsync"/>).</summary>
    public TestInfrastructure Infrastructure { get; private set; } = null!;
    /// <summary>Name of this fixture's database, <c>facedb_</c> + 12 hex chars.</summary>
    public string DatabaseName { get; } = "facedb_" + Guid.NewGuid().ToString("N")[..12];
    /// <summary>Owner-role connection string to this database (DDL allowed).</summary>
    public string OwnerConnectionString { get; private set; } = "";
    /// <summary>App-role connection string to this database (DML only), what the Api and Worker use.</summary>
    public string AppConnectionString { get; private set; } = "";
    /// <summary>Pool on <see cref="AppConnectionString"/>.</summary>
    public NpgsqlDataSource AppDataSource => _appDataSource ??= NpgsqlDataSource.Create(AppConnectionString);
    /// <summary>Pool on <see cref="OwnerConnectionString"/>.</summary>
    public NpgsqlDataSource OwnerDataSource => _ownerDataSource ??= NpgsqlDataSource.Create(OwnerConnectionString);

    /// <summary>Whether <see cref="InitializeAsync"/> runs the migrator (default true).</summary>
    protected virtual bool ApplyMigrations => true;

    /// <summary>A new context on <see cref="AppDataSource"/>; dispose it.</summary>
    public FaceDbContext CreateDbContext() => new(FaceDbContext.CreateOptions(AppDataSource));

    /// <summary>Starts/attaches the infrastructure, creates and (optionally) migrates the database.</summary>
    public virtual async Task InitializeAsync()
    {
        Infrastructure = await TestInfrastructure.GetAsync();
        OwnerConnectionString = WithDatabase(Infrastructure.OwnerConnectionString, DatabaseName);
        AppConnectionString = WithDatabase(Infrastructure.AppConnectionString, DatabaseName);
        var owner = new NpgsqlConnectionStringBuilder(Infrastructure.OwnerConnectionString).Username!;
        var app = new NpgsqlConnectionStringBuilder(Infrastructure.AppConnectionString).Username!;
        await Infrastructure.RunSuperuserSqlAsync("postgres", $"CREATE DATABASE {DatabaseName} OWNER {owner}");
        // Mirrors what infra/postgres.sh does for facedb: extension as superuser, only the app role may connect.
        await Infrastructure.RunSuperuserSqlAsync(DatabaseName,
            "CREATE EXTENSION IF NOT EXISTS vector",
            $"REVOKE ALL ON DATABASE {DatabaseName} FROM PUBLIC",
            $"GRANT CONNECT ON DATABASE {DatabaseName} TO {app}",
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        if (ApplyMigrations)
            await DatabaseMigrator.MigrateAsync(OwnerConnectionString, app, CancellationToken.None);
    }

    /// <summary>Closes the pools and drops the database.</summary>
    public async Task DisposeAsync()
    {
        if (_appDataSource is not null)
            await _appDataSource.DisposeAsync();
        if (_ownerDataSource is not null)
            await _ownerDataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (Infrastructure is not null)
            await Infrastructure.RunSuperuserSqlAsync("postgres", $"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)");
    }

    /// <summary>
    /// Stops the test instance's PostgreSQL for real (<c>infra/postgres.sh stop</c>: <c>pg_ctl stop -m fast</c>, which
    /// ends every session with 57P01), runs <paramref name="whileDown"/>, and starts it again whatever happens, then
    /// drops this fixture's pooled connections, which died with the server. Only for test classes that run alone:
    /// everything connected to the instance sees the outage.
    /// </summary>
    public async Task WithDatabaseDownAsync(Func<Task> whileDown)
    {
        try
        {
            await WithStoppedAsync("infra/postgres.sh", whileDown);
        }
        finally
        {
            AppDataSource.Clear();
            OwnerDataSource.Clear();
        }
    }

    /// <summary>Runs <c><paramref name="script"/> stop</c> of the test instance, then <paramref name="whileDown"/>, then
    /// <c><paramref name="script"/> start</c> whatever happens.</summary>
    protected async Task WithStoppedAsync(string script, Func<Task> whileDown)
    {
        try
        {
            await ScriptRunner.RunAsync(Infrastructure.RepoRoot, Infrastructure.Instance, script, "stop");
            await whileDown();
        }
        finally
        {
            await ScriptRunner.RunAsync(Infrastructure.RepoRoot, Infrastructure.Instance, script, "start");
        }
    }

    /// <summary><paramref name="connectionString"/> with its Database replaced.</summary>
    public static string WithDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;
}
