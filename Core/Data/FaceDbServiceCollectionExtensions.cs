using FaceAspire.Core.Identity;
using FaceAspire.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using Pgvector.Npgsql;

namespace FaceAspire.Core.Data;

/// <summary>DI registration of the database and the identity services.</summary>
public static class FaceDbServiceCollectionExtensions
{
    /// <summary>
    /// Registers, for the APP role's <paramref name="connectionString"/>:
    /// a singleton <see cref="NpgsqlDataSource"/> (<see cref="CreateDataSource"/>: the connection pool, also used for
    /// raw SQL; skipped when one is already registered), a pooled <see cref="IDbContextFactory{FaceDbContext}"/> plus a
    /// scoped <see cref="FaceDbContext"/> from it, <see cref="IdentityOptions"/> bound to section <c>"Identity"</c> and
    /// validated at start, and singletons <see cref="FaceStore"/>, <see cref="IdentityMatcher"/>,
    /// <see cref="FrameWriter"/>, <see cref="FrameIngest"/>, <see cref="Privacy.PersonForgetter"/> and the <see cref="Messaging.OutboxSignal"/> the writers
    /// wake this process's relay with, and encryption at rest (<see cref="Security.SecurityServiceCollectionExtensions.AddImageEncryption"/>:
    /// every process that reads or writes images needs the key-encryption key). Does not migrate: the MigrationService does, as the owner
    /// (<see cref="DatabaseMigrator.PrepareAsync"/>).
    /// </summary>
    public static IServiceCollection AddFaceDb(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.TryAddSingleton(sp => CreateDataSource(connectionString, sp.GetService<ILoggerFactory>()));
        // The outbox listener's LISTEN connection, without Npgsql's logging: it logs every wait for a notification at
        // Information ("Starting to wait"), which would be a line per outbox insert in every process.
        services.TryAddKeyedSingleton(Messaging.OutboxListener.DataSourceKey, (_, _) => CreateDataSource(connectionString));
        services.AddPooledDbContextFactory<FaceDbContext>((sp, options) =>
            FaceDbContext.Configure(options, sp.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<FaceDbContext>>().CreateDbContext());
        services.AddOptions<IdentityOptions>().BindConfiguration(IdentityOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<FaceStore>();
        services.TryAddSingleton<IdentityMatcher>();
        services.TryAddSingleton<FrameWriter>();
        services.AddImageEncryption();
        services.TryAddSingleton<FrameIngest>();
        services.TryAddSingleton<Privacy.PersonForgetter>();
        services.TryAddSingleton<Messaging.OutboxSignal>();
        return services;
    }

    /// <summary>
    /// A data source for <paramref name="connectionString"/> as every FaceAspire process needs it: pgvector's types
    /// (<c>UseVector()</c>: <c>vector</c> ↔ <see cref="Pgvector.Vector"/>, <c>halfvec</c> ↔ <see cref="Pgvector.HalfVector"/>)
    /// and <see cref="ApplyPerformanceDefaults"/>. Dispose it when done (it owns the connection pool).
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="loggerFactory">Where Npgsql logs, or null.</param>
    /// <exception cref="ArgumentException">The connection string does not parse.</exception>
    public static NpgsqlDataSource CreateDataSource(string connectionString, ILoggerFactory? loggerFactory = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        ApplyPerformanceDefaults(builder.ConnectionStringBuilder, connectionString);
        builder.UseVector();
        if (loggerFactory is not null)
            builder.UseLoggerFactory(loggerFactory);
        return builder.Build();
    }

    /// <summary>
    /// Server-side prepared statements for the hot path, unless the connection string says otherwise: Npgsql's
    /// automatic preparation (<c>Max Auto Prepare=64</c>, after 2 uses). The services send the same dozen statements
    /// for every frame; unprepared, PostgreSQL parses and plans each one every time. Set <c>Max Auto Prepare=0</c>
    /// behind a transaction-mode pooler (PgBouncer) that cannot keep prepared statements.
    /// <para>
    /// Also <c>jit=off</c> for the session (<c>Options=-c jit=off</c>, appended to any <c>Options</c> written that
    /// do not set <c>jit</c>): the services' statements run in milliseconds, and JIT compilation only ever costs them.
    /// It is also a cliff: the nearest-neighbour query runs under <c>SET LOCAL enable_seqscan = off</c>, and any
    /// plan that falls back to a sequential scan then carries a cost of 10¹⁰, which crosses <c>jit_above_cost</c>;
    /// measured in pgbench, 88 ms of JIT in a 124 ms query, on every run.
    /// </para>
    /// </summary>
    /// <param name="target">The builder to change.</param>
    /// <param name="original">The connection string as configured: a setting named there (any spelling Npgsql accepts) is kept.</param>
    public static void ApplyPerformanceDefaults(NpgsqlConnectionStringBuilder target, string original)
    {
        // The base builder's keys are exactly the ones written in the string (NpgsqlConnectionStringBuilder knows every key).
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = original };
        if (!written.ContainsKey("Max Auto Prepare") && !written.ContainsKey("MaxAutoPrepare"))
            target.MaxAutoPrepare = 64;
        if (!written.ContainsKey("Auto Prepare Min Usages") && !written.ContainsKey("AutoPrepareMinUsages"))
            target.AutoPrepareMinUsages = 2;
        var options = written.TryGetValue("Options", out var o) ? o?.ToString() ?? "" : "";
        if (!options.Contains("jit", StringComparison.OrdinalIgnoreCase))
            target.Options = (options + " -c jit=off").Trim();
    }
}
