namespace FaceAspire.AppHost.Hosting;

/// <summary>Polls a service's <c>/health</c> until it answers 200 (ServiceDefaults' readiness endpoint:
/// 200 once its database and broker checks pass, 503 before).</summary>
internal static class HealthWaiter
{
    // No retry handler here: the polling loop is the retry.
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>Returns true when <c>{baseUrl}/health</c> answered 200; false when <paramref name="stillRunning"/>
    /// turned false first (the process exited) or <paramref name="cancellationToken"/> fired.</summary>
    /// <param name="baseUrl">e.g. http://127.0.0.1:41234</param>
    /// <param name="stillRunning">Checked before each poll.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public static async Task<bool> WaitHealthyAsync(string baseUrl, Func<bool> stillRunning, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        var uri = new Uri(baseUrl.TrimEnd('/') + "/health");
        while (!cancellationToken.IsCancellationRequested && stillRunning())
        {
            if (await IsHealthyAsync(uri, cancellationToken))
                return true;
            try
            {
                await Task.Delay(delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            // 100 ms while a service boots (most answer within 1-2 s), backing off to 1 s for slow ones.
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 1000));
        }
        return false;
    }

    /// <summary>One GET; any error or non-200 is "not healthy".</summary>
    public static async Task<bool> IsHealthyAsync(Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Client.GetAsync(uri, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
