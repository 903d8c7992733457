using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FaceAspire.ServiceDefaults.Resilience;

/// <summary>Registration of <see cref="ResilienceHandler"/> for every client from <c>IHttpClientFactory</c>.</summary>
public static class HttpResilienceExtensions
{
    /// <summary>
    /// Binds <see cref="HttpResilienceOptions"/> from the <c>HttpResilience</c> section (validated at start) and
    /// adds a <see cref="ResilienceHandler"/> to every HttpClient via <c>ConfigureHttpClientDefaults</c>, the way
    /// Aspire's ServiceDefaults call <c>AddStandardResilienceHandler()</c>.
    /// </summary>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddDefaultHttpResilience<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<HttpResilienceOptions>()
            .BindConfiguration(HttpResilienceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.ConfigureHttpClientDefaults(http =>
            http.AddHttpMessageHandler(sp => new ResilienceHandler(sp.GetRequiredService<IOptions<HttpResilienceOptions>>().Value)));
        return builder;
    }
}
