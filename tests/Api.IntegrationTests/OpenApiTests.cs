using System.Net;
using System.Text.Json;

namespace FaceAspire.Api.IntegrationTests;

/// <summary><c>/openapi/v1.json</c> is a document a client generator can use.</summary>
public sealed class OpenApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    [Fact]
    public async Task TheDocumentDeclaresTheKeySchemeAScopeAndA2xxSchemaPerOperationAndCamelCaseQueryParameters()
    {
        using var anonymous = api.NewClient();
        var response = await anonymous.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();
        // Kept for reviewers and client generators (artifacts/ is git-ignored).
        var artifacts = Path.Combine(Testing.RepositoryRoot.Find(), "artifacts");
        Directory.CreateDirectory(artifacts);
        await File.WriteAllTextAsync(Path.Combine(artifacts, "openapi-v1.json"), json);
        var document = JsonDocument.Parse(json).RootElement;

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());

        var problems = new List<string>();
        var operations = 0;
        foreach (var path in document.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal)))
        {
            foreach (var op in path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)))
            {
                operations++;
                var name = $"{op.Name.ToUpperInvariant()} {path.Name}";
                var o = op.Value;
                if (!o.TryGetProperty("security", out var security) || security.GetArrayLength() == 0)
                    problems.Add($"{name}: no security requirement");
                if (!o.TryGetProperty("x-required-scope", out _))
                    problems.Add($"{name}: no scope");
                var success = o.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2')).ToList();
                if (success.Count == 0)
                    problems.Add($"{name}: no 2xx response");
                foreach (var r in success)
                {
                    if (!r.Value.TryGetProperty("content", out var content) || !content.EnumerateObject().Any()
                        || content.EnumerateObject().Any(c => !c.Value.TryGetProperty("schema", out _)))
                        problems.Add($"{name}: {r.Name} without a schema: {r.Value}");
                }
                if (o.TryGetProperty("parameters", out var parameters))
                {
                    foreach (var p in parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query"))
                    {
                        var n = p.GetProperty("name").GetString()!;
                        if (!char.IsLower(n[0]) || n.Contains('_') || n.Contains('-'))
                            problems.Add($"{name}: query parameter '{n}' is not camelCase");
                    }
                }
                // The handlers' C# doc comments start with status codes ("200 page of …"); the routes' summaries do not.
                if (!o.TryGetProperty("summary", out var summary) || summary.GetString() is not { Length: > 0 } s || char.IsDigit(s[0]))
                    problems.Add($"{name}: summary missing or taken from the handler's doc comment");
                foreach (var text in new[] { "summary", "description" })
                {
                    if (o.TryGetProperty(text, out var t) && (t.GetString()!.Contains("Task<") || t.GetString()!.Contains("FaceAspire.")))
                        problems.Add($"{name}: {text} reads like C#: {t.GetString()}");
                }
            }
        }
        Assert.True(operations >= 20, $"only {operations} operations");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        var merge = document.GetProperty("paths").GetProperty("/api/persons/{id}/merge").GetProperty("post");
        Assert.Equal("manage", merge.GetProperty("x-required-scope").GetString());
        Assert.True(merge.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        var mood = document.GetProperty("paths").GetProperty("/api/analyze-mood").GetProperty("post");
        Assert.True(mood.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").TryGetProperty("schema", out _));
    }
}
