using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FaceAspire.Api.OpenApi;

/// <summary>
/// Gives every success response of every declared content type a schema, so generators type it: JSON as its result
/// type, images as binary strings, CSV as text. Needed because a route that answers JSON or, on request, CSV declares
/// the CSV with <c>.Produces(200, contentType: "text/csv")</c>, and ApiExplorer then keeps one untyped 200 without any content.
/// </summary>
internal sealed class BinaryResponses : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.Responses is null)
            return;
        var declared = context.Description.ActionDescriptor.EndpointMetadata.OfType<IProducesResponseTypeMetadata>()
            .Where(m => m.StatusCode is >= 200 and < 300).ToList();
        foreach (var (status, response) in operation.Responses)
        {
            if (!status.StartsWith('2') || response is not OpenApiResponse r)
                continue;
            r.Content ??= new Dictionary<string, OpenApiMediaType>();
            foreach (var meta in declared.Where(m => m.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) == status))
            {
                var types = meta.ContentTypes.Any() ? meta.ContentTypes : meta.Type is { } t && t != typeof(void) ? ["application/json"] : [];
                foreach (var mediaType in types)
                {
                    if (r.Content.TryGetValue(mediaType, out var existing) && existing.Schema is not null)
                        continue;
                    IOpenApiSchema schema = mediaType.StartsWith("image/", StringComparison.Ordinal)
                        ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" }
                        : mediaType.Contains("json", StringComparison.Ordinal) && meta.Type is { } type && type != typeof(void)
                            ? await context.GetOrCreateSchemaAsync(type, null, cancellationToken)
                            : new OpenApiSchema { Type = JsonSchemaType.String };
                    r.Content[mediaType] = new OpenApiMediaType { Schema = schema };
                }
            }
        }
    }
}
