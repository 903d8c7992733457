using FaceAspire.Core.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FaceAspire.Core.Data;

/// <summary>DI registration of the database and the identity services.</summary>
public static class FaceDbServiceCollectionExtensions
{
    /// <summary>
    /// Registers, for the APP role's <paramref name="connectionString"/>:
    /// a singleton <see cref="NpgsqlDataSource"/> (the connection pool, also used for raw SQL; skipped when one is
    /// already registered), a pooled <see cref="IDbContextFactory{FaceDbContext}"/> plus a scoped
    /// <see cref="FaceDbContext"/> from it, <see cref="IdentityOptions"/> bound to section <c>"Identity"</c> and
    /// validated at start, and singletons <see cref="FaceStore"/>, <see cref="IdentityMatcher"/>,
    /// <see cref="FrameWriter"/>, <see cref="FrameIngest"/>. Does not migrate: run
    /// <see cref="DatabaseMigrator.MigrateAsync(string, CancellationToken)"/> first, as the owner.
    /// </summary>
    public static IServiceCollection AddFaceDb(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.TryAddSingleton(sp =>
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            if (sp.GetService<ILoggerFactory>() is { } loggerFactory)
                builder.UseLoggerFactory(loggerFactory);
            return builder.Build();
        });
        services.AddPooledDbContextFactory<FaceDbContext>((sp, options) =>
            FaceDbContext.Configure(options, sp.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<FaceDbContext>>().CreateDbContext());
        services.AddOptions<IdentityOptions>().BindConfiguration(IdentityOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<FaceStore>();
        services.TryAddSingleton<IdentityMatcher>();
        services.TryAddSingleton<FrameWriter>();
        services.TryAddSingleton<FrameIngest>();
        return services;
    }
}
