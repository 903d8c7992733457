using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FaceAspire.Api.OpenApi;

/// <summary>
/// Describes the three request-body shapes of <c>POST /api/frames</c> in the OpenAPI document. Done with an
/// operation transformer rather than <c>.Accepts()</c>: accepts-metadata makes routing refuse other content types
/// with a bare 415 before the handler runs, and the handler must answer those itself with a ProblemDetails body.
/// </summary>
internal static class IngestOpenApi
{
    public static Task DescribeBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var binary = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        var text = new OpenApiSchema { Type = JsonSchemaType.String };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "One or many images: multipart files, a raw image body, or JSON with base64.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["files"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = binary },
                            ["source"] = text,
                            ["timestamp"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "ISO-8601 or unix ms" },
                        },
                    },
                },
                ["image/jpeg"] = new() { Schema = binary },
                ["image/png"] = new() { Schema = binary },
                ["application/json"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "image" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["image"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "base64 or data:image/jpeg;base64,…" },
                            ["timestamp"] = new OpenApiSchema { Description = "ISO-8601 string or unix ms number" },
                            ["source"] = text,
                            ["fileName"] = text,
                        },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }
}
