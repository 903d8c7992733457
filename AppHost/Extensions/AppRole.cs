namespace FaceAspire.AppHost.Extensions;

/// <summary>
/// The database role the services connect as: it may read and write rows but not change the schema (least
/// privilege; the migration step, connected as the owner, creates the role, sets its password and grants it).
/// </summary>
/// <param name="Password">Generated on the first run, kept in the AppHost's user secrets.</param>
/// <param name="ConnectionString">The <c>facedb-app</c> connection string: the <c>postgres</c> container's endpoint,
/// database <c>facedb</c>, this role. Services take it under the key <c>facedb</c>.</param>
internal sealed record AppRole(IResourceBuilder<ParameterResource> Password, IResourceBuilder<ConnectionStringResource> ConnectionString)
{
    /// <summary>The role's name; the migration step reads it as <c>Database:AppRole</c>.</summary>
    public const string Name = "faceaspire_app";
}

/// <summary>Adds <see cref="AppRole"/> to the model.</summary>
internal static class AppRoleExtensions
{
    /// <summary>Adds the role's password parameter and its connection string to <paramref name="database"/>.</summary>
    public static AppRole AddAppRole(this IDistributedApplicationBuilder builder,
        IResourceBuilder<PostgresServerResource> server, IResourceBuilder<PostgresDatabaseResource> database)
    {
        var password = builder.AddParameter("facedb-app-password",
            new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        var endpoint = server.Resource.PrimaryEndpoint;
        var connectionString = builder.AddConnectionString("facedb-app", ReferenceExpression.Create(
            $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Database={database.Resource.DatabaseName};Username={AppRole.Name};Password={password}"));
        return new AppRole(password, connectionString);
    }

    /// <summary>Passes the role's name and password to the migration step (<c>Database:AppRole</c>,
    /// <c>Database:AppPassword</c>), which creates or updates it.</summary>
    public static IResourceBuilder<ProjectResource> WithAppRolePassword(this IResourceBuilder<ProjectResource> builder, AppRole role) =>
        builder.WithEnvironment("Database__AppRole", AppRole.Name)
            .WithEnvironment("Database__AppPassword", role.Password);
}
