using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FaceAspire.Api.OpenApi;

/// <summary>
/// Describes a JSON request body that a handler reads itself (to answer malformed bodies with its own ProblemDetails)
/// with the schema of a type. An operation transformer, not <c>.Accepts&lt;T&gt;()</c>: accepts-metadata
/// makes routing refuse other content types with a bare 415 before the handler runs (see <see cref="IngestOpenApi"/>).
/// </summary>
internal static class JsonBodyOpenApi
{
    public static Func<OpenApiOperation, OpenApiOperationTransformerContext, CancellationToken, Task> Describe<T>(string description) =>
        async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        };
}
