using FaceAspire.Core.Data;
using Npgsql;
using Pgvector.Npgsql;
using Xunit;

namespace FaceAspire.Testing;

/// <summary>
/// A FRESH database per test class on the shared <see cref="TestInfrastructure"/>: <c>facedb_&lt;random&gt;</c>,
/// prepared as the AppHost's migration step prepares <c>facedb</c> (<see cref="DatabaseMigrator.PrepareAsync"/>: the
/// vector extension, the app role with CONNECT and row privileges, the schema). Dropped (WITH FORCE) when the class
/// is done.
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
    /// <summary>Owner connection string to this database (the container's superuser; DDL allowed).</summary>
    public string OwnerConnectionString { get; private set; } = "";
    /// <summary>App-role connection string to this database (DML only), what the Api and Worker use.</summary>
    public string AppConnectionString { get; private set; } = "";
    /// <summary>Pool on <see cref="AppConnectionString"/>, with pgvector's types (no other settings of the services').</summary>
    public NpgsqlDataSource AppDataSource => _appDataSource ??= WithVectors(AppConnectionString);
    /// <summary>Pool on <see cref="OwnerConnectionString"/>, with pgvector's types.</summary>
    public NpgsqlDataSource OwnerDataSource => _ownerDataSource ??= WithVectors(OwnerConnectionString);

    /// <summary>Whether <see cref="InitializeAsync"/> runs the migrator (default true).</summary>
    protected virtual bool ApplyMigrations => true;

    /// <summary>A new context on <see cref="AppDataSource"/>; dispose it.</summary>
    public FaceDbContext CreateDbContext() => new(FaceDbContext.CreateOptions(AppDataSource));

    /// <summary>Runs a scalar query as the app role; the result cast to <typeparamref name="T"/>.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = AppDataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Starts/attaches the infrastructure, creates the database and (optionally) prepares it as the
    /// migration step does (<see cref="DatabaseMigrator.PrepareAsync"/>: extension, app role, grants, migrations).</summary>
    public virtual async Task InitializeAsync()
    {
        Infrastructure = await TestInfrastructure.GetAsync();
        OwnerConnectionString = Infrastructure.Postgres.ConnectionString(DatabaseName);
        AppConnectionString = new NpgsqlConnectionStringBuilder(OwnerConnectionString)
        {
            Username = TestInfrastructure.AppRole, Password = Infrastructure.AppPassword,
        }.ConnectionString;
        await Infrastructure.RunSuperuserSqlAsync("postgres", $"CREATE DATABASE {DatabaseName}");
        if (ApplyMigrations)
            await DatabaseMigrator.PrepareAsync(OwnerConnectionString, TestInfrastructure.AppRole, Infrastructure.AppPassword, CancellationToken.None);
        else
            await Infrastructure.RunSuperuserSqlAsync(DatabaseName, "CREATE EXTENSION IF NOT EXISTS vector");
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
    /// Stops the shared PostgreSQL container for real (every session ends), runs <paramref name="whileDown"/>, and
    /// starts it again whatever happens, then drops this fixture's pooled connections, which died with the server.
    /// Only for test classes that run alone: everything connected to the server sees the outage.
    /// </summary>
    public async Task WithDatabaseDownAsync(Func<Task> whileDown)
    {
        try
        {
            await Infrastructure.Postgres.WithStoppedAsync(whileDown);
        }
        finally
        {
            AppDataSource.Clear();
            OwnerDataSource.Clear();
        }
    }

    private static NpgsqlDataSource WithVectors(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        return builder.Build();
    }

    /// <summary><paramref name="connectionString"/> with its Database replaced.</summary>
    public static string WithDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;
}
