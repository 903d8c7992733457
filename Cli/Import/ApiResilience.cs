using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly.CircuitBreaker;

namespace FaceAspire.Cli.Import;

/// <summary>The resilience pipeline of a console tool's Api client (the CLI's import, the bench's chaos run).</summary>
public static class ApiResilience
{
    /// <summary>
    /// Microsoft.Extensions.Http.Resilience's standard handler (retries with backoff on connection errors, 5xx, 408
    /// and 429, honouring <c>Retry-After</c>; circuit breaker; timeouts), whose retry also waits out an open circuit.
    /// Why: when the Api restarts, refused connections open the circuit breaker for its break duration (5 s), and the
    /// standard retry does not handle the <see cref="BrokenCircuitException"/> it then throws, so every post made
    /// meanwhile failed at once (the chaos run: 2 of 150 posts, docs/reliability.md).
    /// </summary>
    /// <param name="builder">The typed client's builder.</param>
    /// <param name="configure">Further changes to the options (retry count, timeouts, callbacks), or null.</param>
    public static IHttpStandardResiliencePipelineBuilder AddApiResilience(this IHttpClientBuilder builder, Action<HttpStandardResilienceOptions>? configure = null) =>
        builder.AddStandardResilienceHandler(o =>
        {
            o.Retry.ShouldHandle = args => ValueTask.FromResult(
                HttpClientResiliencePredicates.IsTransient(args.Outcome) || args.Outcome.Exception is BrokenCircuitException);
            configure?.Invoke(o);
        });
}
