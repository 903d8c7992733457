namespace FaceAspire.AppHost.Hosting;

/// <summary>Fluent configuration of one resource, as Aspire's <c>IResourceBuilder&lt;T&gt;</c>.</summary>
/// <typeparam name="T">Resource type.</typeparam>
public interface IResourceBuilder<out T> where T : IResource
{
    /// <summary>The resource being configured.</summary>
    T Resource { get; }

    /// <summary>The application builder the resource belongs to.</summary>
    DistributedApplicationBuilder ApplicationBuilder { get; }
}

internal sealed record ResourceBuilder<T>(T Resource, DistributedApplicationBuilder ApplicationBuilder) : IResourceBuilder<T>
    where T : IResource;

/// <summary>The Aspire.Hosting-shaped methods (<c>WithReference</c>, <c>WaitFor</c>, <c>WaitForCompletion</c>,
/// <c>WithReplicas</c>, <c>WithEnvironment</c>); same names and meaning, so moving to Aspire is a using change.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>Passes <c>ConnectionStrings__{source.Name}</c> to the project (resolved when the source has started).
    /// Does not wait for health: add <c>WaitFor</c> for that.</summary>
    /// <returns>The project builder, for chaining.</returns>
    public static IResourceBuilder<ProjectResource> WithReference(this IResourceBuilder<ProjectResource> builder,
        IResourceBuilder<IResourceWithConnectionString> source)
    {
        var target = source.Resource;
        builder.Resource.Environment[$"ConnectionStrings__{target.Name}"] = target.GetConnectionStringAsync;
        return builder;
    }

    /// <summary>Passes the other project's URL the way Aspire's service discovery reads it:
    /// <c>services__{name}__http__0=http://127.0.0.1:{port}</c>.</summary>
    /// <returns>The project builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException">When <paramref name="source"/> is not an ASP.NET Core project.</exception>
    public static IResourceBuilder<ProjectResource> WithReference(this IResourceBuilder<ProjectResource> builder,
        IResourceBuilder<ProjectResource> source)
    {
        var project = source.Resource;
        if (!project.IsWeb)
            throw new InvalidOperationException($"'{project.Name}' has no HTTP endpoint to reference.");
        builder.Resource.Environment[$"services__{project.Name}__http__0"] = _ => Task.FromResult(project.Url);
        return builder;
    }

    /// <summary>Starts this resource only once <paramref name="dependency"/> is healthy.</summary>
    /// <returns>The builder, for chaining.</returns>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> dependency)
        where T : Resource
    {
        builder.Resource.Waits.Add((dependency.Resource.Owner, WaitKind.Healthy));
        return builder;
    }

    /// <summary>Starts this resource only once <paramref name="dependency"/> is healthy.</summary>
    /// <returns>The builder, for chaining.</returns>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<ProjectResource> dependency)
        where T : Resource
    {
        builder.Resource.Waits.Add((dependency.Resource, WaitKind.Healthy));
        return builder;
    }

    /// <summary>Starts this resource only once <paramref name="dependency"/> has exited with code 0; a non-zero
    /// exit fails this resource. The dependency becomes run-once (never restarted).</summary>
    /// <returns>The builder, for chaining.</returns>
    public static IResourceBuilder<T> WaitForCompletion<T>(this IResourceBuilder<T> builder, IResourceBuilder<ProjectResource> dependency)
        where T : Resource
    {
        dependency.Resource.RunsToCompletion = true;
        builder.Resource.Waits.Add((dependency.Resource, WaitKind.Completed));
        return builder;
    }

    /// <summary>Runs <paramref name="replicas"/> processes (1..16), rows "{name}-1" ... "{name}-N", each with
    /// <c>OTEL_SERVICE_NAME={name}</c> and <c>service.instance.id={name}-i</c>.</summary>
    /// <returns>The project builder, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1..16.</exception>
    public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> builder, int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicas, 16);
        builder.Resource.Replicas = replicas;
        return builder;
    }

    /// <summary>The owner-role connection of a database (<c>ConnectionStrings__{name}-owner</c>), for the
    /// migration step only; the services get the app role through <c>WithReference(db)</c>.</summary>
    /// <returns>A builder to pass to <c>WithReference</c>.</returns>
    public static IResourceBuilder<SecondaryConnection> OwnerConnection(this IResourceBuilder<PostgresResource> db) =>
        new ResourceBuilder<SecondaryConnection>(db.Resource.OwnerConnection, db.ApplicationBuilder);

    /// <summary>The broker's management API URL (<c>ConnectionStrings__{name}-management</c>), for the admin's queue figures.</summary>
    /// <returns>A builder to pass to <c>WithReference</c>.</returns>
    public static IResourceBuilder<SecondaryConnection> ManagementConnection(this IResourceBuilder<RabbitMQResource> broker) =>
        new ResourceBuilder<SecondaryConnection>(broker.Resource.ManagementConnection, broker.ApplicationBuilder);

    /// <summary>Sets an environment variable of every replica.</summary>
    /// <returns>The project builder, for chaining.</returns>
    public static IResourceBuilder<ProjectResource> WithEnvironment(this IResourceBuilder<ProjectResource> builder, string name, string value)
    {
        builder.Resource.Environment[name] = _ => Task.FromResult(value);
        return builder;
    }
}
