using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FaceAspire.Api.OpenApi;

/// <summary>
/// Puts each route's own <c>WithSummary</c>/<c>WithDescription</c> text back into its operation. The XML-comment source
/// generator of Microsoft.AspNetCore.OpenApi (on, since every project writes its documentation file) otherwise
/// replaces them with the handler method's <c>&lt;summary&gt;</c>, which is written for C# readers (status lists,
/// type names such as ThumbnailGate). Its schema descriptions (the contracts' <c>&lt;param&gt;</c> docs) are kept.
/// </summary>
internal sealed class EndpointText : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IEndpointSummaryMetadata>().LastOrDefault() is { } summary)
            operation.Summary = summary.Summary;
        operation.Description = metadata.OfType<IEndpointDescriptionMetadata>().LastOrDefault()?.Description;
        return Task.CompletedTask;
    }
}
