using FaceAspire.Testing;

namespace FaceAspire.Admin.BrowserTests;

/// <summary>
/// Our services (Admin, Api, Worker) as these tests run them: each its own process (<see cref="ServiceProcess"/>)
/// configured only through environment variables, as the orchestrator does, with its console in
/// <c>&lt;logDir&gt;/&lt;project&gt;-test.log</c> for looking into a failed run.
/// </summary>
internal static class TestServices
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Starts <c>FaceAspire.&lt;project&gt;.dll</c>. Web services get a free 127.0.0.1 port
    /// (<see cref="ServiceProcess.BaseUrl"/>), the Development environment and their project folder as content root, and
    /// are ready when <c>/alive</c> answers 200; the others when <paramref name="ready"/> returns true. Waits at most 90 s.
    /// </summary>
    /// <param name="project">Project folder name, e.g. <c>Admin</c>.</param>
    /// <param name="web">Whether it serves HTTP.</param>
    /// <param name="environment">Configuration as env vars (override the defaults: log level Warning).</param>
    /// <param name="logDir">Folder of the log file (created).</param>
    /// <param name="ready">Readiness check instead of <c>/alive</c>.</param>
    /// <exception cref="TimeoutException">It exited or was not ready in time (killed; the output tail is in the message).</exception>
    /// <exception cref="FileNotFoundException">The service is not built (building this test project builds it).</exception>
    public static Task<ServiceProcess> StartAsync(string project, bool web, IReadOnlyDictionary<string, string> environment,
        string logDir, Func<Task<bool>>? ready = null)
    {
        var projectDir = BuiltService.ProjectDirectory(project);
        var defaults = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" };
        if (web)
            defaults["ASPNETCORE_ENVIRONMENT"] = "Development";
        var options = new ServiceProcessOptions(project)
        {
            // The project folder as content root: the admin serves wwwroot from there.
            Arguments = web ? ["--contentRoot", projectDir] : [],
            WorkingDirectory = projectDir,
            ListenOnFreePort = web,
            Environment = [.. defaults, .. environment],
            LogFile = Path.Combine(logDir, $"{project.ToLowerInvariant()}-test.log"),
        };
        return ServiceProcess.StartAsync(options, p => ready is null
            ? p.WaitForHttpOkAsync($"{p.BaseUrl}/alive", StartTimeout)
            : p.WaitUntilAsync(ready, StartTimeout, "the readiness check"));
    }
}
