using FaceAspire.Api.Auth;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FaceAspire.Api.OpenApi;

/// <summary>
/// Puts the <c>X-Api-Key</c> scheme into <c>/openapi/v1.json</c> so a client generator (NSwag, Kiota, openapi-generator)
/// sends the key: the scheme under <c>components.securitySchemes.ApiKey</c> (document transformer) and, on every operation
/// whose route declares a scope (<see cref="RequiredScope"/>), a security requirement plus the scope in the
/// description and as <c>x-required-scope</c> (operation transformer).
/// </summary>
internal sealed class ApiKeySecurity : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    /// <summary>The scheme's key in <c>components.securitySchemes</c>.</summary>
    public const string SchemeId = "ApiKey";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeId] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            Description = "An API key made in the admin's API keys page (shown once). Each route needs one scope: ingest, read or manage.",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var scope = context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiredScope>().LastOrDefault();
        if (scope is null)
            return Task.CompletedTask;
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeId, context.Document)] = [] });
        var line = $"Requires an API key with the `{scope.Scope}` scope.";
        operation.Description = string.IsNullOrEmpty(operation.Description) ? line : operation.Description + "\n\n" + line;
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions["x-required-scope"] = new JsonNodeExtension(System.Text.Json.Nodes.JsonValue.Create(scope.Scope));
        return Task.CompletedTask;
    }
}
