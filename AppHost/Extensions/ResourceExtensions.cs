using Microsoft.Extensions.Configuration;

namespace FaceAspire.AppHost.Extensions;

/// <summary>The application model's small pieces that Aspire has no one-liner for.</summary>
internal static class ResourceExtensions
{
    /// <summary>
    /// Sets the container image from configuration key <paramref name="key"/> (e.g. <c>Images:Postgres</c> =
    /// <c>docker.io/pgvector/pgvector:pg17</c>, or a local build such as <c>localhost/faceaspire/pgvector:pg17-…</c>
    /// that infra/images.sh prints where no registry is reachable). Unset keeps the integration's default.
    /// Call it after <c>WithManagementPlugin()</c>, which only accepts the default RabbitMQ image.
    /// </summary>
    /// <exception cref="InvalidOperationException">The value has no tag (<c>name:tag</c>).</exception>
    public static IResourceBuilder<T> WithConfiguredImage<T>(this IResourceBuilder<T> builder, string key)
        where T : ContainerResource
    {
        if (builder.ApplicationBuilder.Configuration[key] is not { Length: > 0 } reference)
            return builder;
        var (registry, image, tag) = ParseImage(reference)
            ?? throw new InvalidOperationException($"{key} = '{reference}' is not an image reference of the form [registry/]name:tag.");
        return builder.WithImageRegistry(registry).WithImage(image, tag);
    }

    /// <summary>Splits <c>[registry/]path:tag</c>; the first path segment is a registry when it holds a dot or a
    /// colon or is <c>localhost</c> (Docker's rule). Null when there is no tag.</summary>
    internal static (string? Registry, string Image, string Tag)? ParseImage(string reference)
    {
        var colon = reference.LastIndexOf(':');
        if (colon < 0 || colon < reference.LastIndexOf('/'))
            return null;
        var (path, tag) = (reference[..colon], reference[(colon + 1)..]);
        var slash = path.IndexOf('/');
        if (slash > 0 && path[..slash] is var first && (first.Contains('.') || first.Contains(':') || first == "localhost"))
            return (first, path[(slash + 1)..], tag);
        return (null, path, tag);
    }

    /// <summary>A named data volume (the integration's own <c>WithDataVolume</c>), unless <c>AppHost:DataVolumes</c> is
    /// false: the tests run the AppHost on throw-away containers and must never touch a user's data.</summary>
    public static IResourceBuilder<PostgresServerResource> WithDataVolumeUnlessDisabled(this IResourceBuilder<PostgresServerResource> builder, string name) =>
        builder.ApplicationBuilder.Configuration.GetValue("AppHost:DataVolumes", true) ? builder.WithDataVolume(name) : builder;

    /// <inheritdoc cref="WithDataVolumeUnlessDisabled(IResourceBuilder{PostgresServerResource}, string)"/>
    public static IResourceBuilder<RabbitMQServerResource> WithDataVolumeUnlessDisabled(this IResourceBuilder<RabbitMQServerResource> builder, string name) =>
        builder.ApplicationBuilder.Configuration.GetValue("AppHost:DataVolumes", true) ? builder.WithDataVolume(name) : builder;

    /// <summary>Gives the admin <c>ConnectionStrings:messaging-management</c>, the management HTTP API's base URL
    /// (<c>http://host:port/</c>), for its queue-depth figures.</summary>
    public static IResourceBuilder<ProjectResource> WithManagementConnection(
        this IResourceBuilder<ProjectResource> builder, IResourceBuilder<RabbitMQServerResource> messaging)
    {
        var management = messaging.GetEndpoint("management");
        return builder.WithEnvironment("ConnectionStrings__messaging-management",
            ReferenceExpression.Create($"http://{management.Property(EndpointProperty.Host)}:{management.Property(EndpointProperty.Port)}/"));
    }

    /// <summary>
    /// The development API key: <c>fa_</c> + 43 random letters and digits (about 256 bits), an Aspire parameter
    /// generated on the first run and kept in the AppHost's user secrets, so scripts and bookmarks keep working
    /// across runs. The Api inserts it (hashed) at start; the admin's webcam page posts with it.
    /// </summary>
    public static ReferenceExpression AddDevApiKey(this IDistributedApplicationBuilder builder)
    {
        var secret = builder.AddParameter("dev-api-key",
            new GenerateParameterDefault { MinLength = 43, Special = false }, secret: true, persist: true);
        return ReferenceExpression.Create($"fa_{secret}");
    }

    /// <summary>
    /// The key-encryption key of stored photos and face crops (<c>Encryption:Key</c>, docs/security.md): a secret
    /// Aspire parameter <c>encryption-key</c>, 64 random letters and digits (about 380 bits) generated on the first run
    /// and kept in the AppHost's user secrets, never in the repository. Persisted because images written under one key
    /// cannot be read without it: losing it loses every stored image. Set <c>Parameters:encryption-key</c> to bring
    /// your own.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddEncryptionKey(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter("encryption-key", new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);
}
