using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace FaceAspire.Api.Auth;

/// <summary>
/// Request rates, configuration section <c>RateLimiting</c>; each limit is a token bucket of <c>PerSecond</c> tokens a
/// second up to <c>Burst</c>, and 0 turns it off. Three buckets are consulted, and a request needs a token from each
/// that applies: its API key's, its client address's, and, for a request without a valid key, the address's
/// anonymous bucket, small, so guessing keys is slow.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "RateLimiting";

    /// <summary>Requests a second one API key may send (default 2,000: a bulk import or many cameras on one key).</summary>
    [Range(0, 1_000_000)] public int PerKeyPerSecond { get; set; } = 2_000;

    /// <summary>Tokens a key's bucket holds (default 4,000).</summary>
    [Range(1, 10_000_000)] public int PerKeyBurst { get; set; } = 4_000;

    /// <summary>Requests a second from one client address, whatever the key (default 4,000).</summary>
    [Range(0, 1_000_000)] public int PerAddressPerSecond { get; set; } = 4_000;

    /// <summary>Tokens an address's bucket holds (default 8,000).</summary>
    [Range(1, 10_000_000)] public int PerAddressBurst { get; set; } = 8_000;

    /// <summary>Requests a second from one address without a valid key (default 5: probes, and typing a key by hand).</summary>
    [Range(0, 1_000_000)] public int AnonymousPerSecond { get; set; } = 5;

    /// <summary>Tokens an address's anonymous bucket holds (default 30).</summary>
    [Range(1, 10_000_000)] public int AnonymousBurst { get; set; } = 30;
}

/// <summary>Registers the Api's rate limiter (ASP.NET Core's <c>RateLimiter</c> middleware).</summary>
public static class RateLimits
{
    /// <summary>
    /// The global limiter of <see cref="RateLimitOptions"/>. A refused request gets 429 ProblemDetails with
    /// <c>Retry-After</c> (whole seconds until its bucket has a token again). Health probes are not limited.
    /// </summary>
    public static IServiceCollection AddApiRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var o = configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>() ?? new RateLimitOptions();
        return services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => IsProbe(context) ? Unlimited
                    : KeyId(context) is { } key ? Bucket("key:" + key, o.PerKeyPerSecond, o.PerKeyBurst)
                    : Bucket("anonymous:" + Address(context), o.AnonymousPerSecond, o.AnonymousBurst)),
                PartitionedRateLimiter.Create<HttpContext, string>(context => IsProbe(context) ? Unlimited
                    : Bucket("address:" + Address(context), o.PerAddressPerSecond, o.PerAddressBurst)));
            limiter.OnRejected = RejectAsync;
        });
    }

    private static string? KeyId(HttpContext context) => context.User.FindFirstValue(ClaimTypes.NameIdentifier);

    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static readonly RateLimitPartition<string> Unlimited = RateLimitPartition.GetNoLimiter("unlimited");

    // The orchestrator's health probes come every few seconds without a key; they must never be refused.
    private static bool IsProbe(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/alive");

    private static RateLimitPartition<string> Bucket(string partition, int perSecond, int burst) =>
        perSecond <= 0
            ? RateLimitPartition.GetNoLimiter(partition)
            : RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var response = rejected.HttpContext.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        var retry = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
        response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        var problems = rejected.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = rejected.HttpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"This API key or address sent more requests than allowed; retry after {retry} s.",
            },
        });
    }
}
