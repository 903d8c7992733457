using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FaceAspire.ApiClient;

/// <summary>Registers <see cref="FaceAspireApiClient"/>.</summary>
public static class ApiClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="FaceAspireApiClient"/> as a typed <c>HttpClient</c> (IHttpClientFactory) whose base address and
    /// key come from <see cref="ApiClientOptions"/> as <paramref name="configure"/> sets them. The
    /// returned builder takes the pipeline: a host with the service defaults already gives every client the standard
    /// resilience handler and service discovery; a console tool adds <c>AddStandardResilienceHandler()</c> itself.
    /// </summary>
    public static IHttpClientBuilder AddFaceAspireApiClient(this IServiceCollection services, Action<ApiClientOptions>? configure = null)
    {
        var options = services.AddOptions<ApiClientOptions>();
        if (configure is not null)
            options.Configure(configure);
        return services.AddHttpClient<FaceAspireApiClient>((sp, http) =>
        {
            var settings = sp.GetRequiredService<IOptions<ApiClientOptions>>().Value;
            if (settings.BaseAddress is { } address)
                http.BaseAddress = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
        });
    }
}
