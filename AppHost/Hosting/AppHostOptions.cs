using Microsoft.Extensions.Configuration;

namespace FaceAspire.AppHost.Hosting;

/// <summary>AppHost settings, bound from the <c>AppHost</c> configuration section (env <c>AppHost__NoBuild=true</c>,
/// command line <c>--AppHost:Configuration=Release</c>, or appsettings.json).</summary>
public sealed record AppHostOptions
{
    /// <summary>Repository root (the folder holding FaceAspire.sln); found upwards from the working directory,
    /// then from the AppHost's own folder, when unset.</summary>
    public string? RepositoryRoot { get; set; }

    /// <summary>Folder for logs, state.json, endpoints.json and the dev API key; default <c>{repo}/.run</c>.</summary>
    public string? RunDirectory { get; set; }

    /// <summary>Build configuration of the projects: Debug (default) or Release.</summary>
    public string Configuration { get; set; } = "Debug";

    /// <summary>Skip the build step and run whatever is in bin/ (fails when a project was never built).</summary>
    public bool NoBuild { get; set; }

    /// <summary>Time a child gets between SIGTERM and SIGKILL when stopping.</summary>
    public TimeSpan StopGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>"auto" (live table when stdout is a terminal), "table" or "plain".</summary>
    public string Dashboard { get; set; } = "auto";

    internal static AppHostOptions Bind(IConfiguration configuration)
    {
        var options = configuration.GetSection("AppHost").Get<AppHostOptions>() ?? new AppHostOptions();
        options.RepositoryRoot ??= FindRepositoryRoot();
        options.RunDirectory = Path.GetFullPath(options.RunDirectory ?? Path.Combine(options.RepositoryRoot, ".run"));
        if (options.Configuration is not ("Debug" or "Release"))
            throw new InvalidOperationException($"AppHost:Configuration must be Debug or Release (got '{options.Configuration}').");
        return options;
    }

    private static string FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "FaceAspire.sln")))
                    return dir.FullName;
        throw new InvalidOperationException("FaceAspire.sln not found above the working directory; set AppHost:RepositoryRoot.");
    }
}
