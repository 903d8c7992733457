using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace FaceAspire.ServiceDefaults.Resilience;

/// <summary>
/// A <see cref="DelegatingHandler"/> that sends each request through a Polly 8 pipeline: total timeout, then retry
/// (exponential backoff with jitter) on transient failures, then a per-attempt timeout. Stands in for
/// Microsoft.Extensions.Http.Resilience's standard handler, which is not in this registry.
/// Transient = <see cref="HttpRequestException"/>, an attempt timeout, or status 408, 429 or 5xx.
/// The same request message is re-sent on retry, so its content must be re-readable (byte array, string,
/// JSON and form contents are; a one-shot stream content is not).
/// </summary>
public sealed class ResilienceHandler : DelegatingHandler
{
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <summary>Builds the pipeline from validated <paramref name="options"/>.</summary>
    /// <param name="options">Attempts and timeouts; see <see cref="HttpResilienceOptions"/>.</param>
    /// <param name="timeProvider">Clock for delays and timeouts (tests may pass a fake one); null = system clock.</param>
    public ResilienceHandler(HttpResilienceOptions options, TimeProvider? timeProvider = null)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider ?? TimeProvider.System };
        builder.AddTimeout(options.TotalTimeout);
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                // The failed response is replaced by the next attempt's; free its connection now.
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }
        builder.AddTimeout(options.AttemptTimeout);
        _pipeline = builder.Build();
    }

    /// <summary>True for outcomes worth retrying: network errors, attempt timeouts, 408, 429 and 5xx.</summary>
    /// <param name="outcome">Result or exception of one attempt.</param>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } r } => (int)r.StatusCode >= 500 || r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        _ => false,
    };

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var outcome = await _pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        return Outcome.FromResult(await state.Self.BaseSendAsync(state.Request, ctx.CancellationToken));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<HttpResponseMessage>(ex);
                    }
                },
                context, (Self: this, Request: request));
            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> BaseSendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
