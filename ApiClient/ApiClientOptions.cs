namespace FaceAspire.ApiClient;

/// <summary>Where the Api is and the key to send (set by the host that registers the client).</summary>
public sealed class ApiClientOptions
{
    /// <summary>The Api's base address, e.g. <c>http://localhost:5180/</c>, or <c>http://api</c> where service
    /// discovery resolves the name (the AppHost's <c>services:api:http:0</c>).</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The API key sent as <c>X-Api-Key</c> on every request.</summary>
    public string? ApiKey { get; set; }
}
