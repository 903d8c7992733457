namespace FaceAspire.Testing;

/// <summary>
/// Where the services the tests run as processes were built: <c>&lt;repo&gt;/&lt;Project&gt;/bin/&lt;Configuration&gt;/
/// net10.0/FaceAspire.&lt;Project&gt;.dll</c>, in the configuration of the running test assembly. A test project builds
/// them first through a <c>ProjectReference ... ReferenceOutputAssembly="false"</c> (never loaded into the test).
/// </summary>
public static class BuiltService
{
    /// <summary>
    /// <c>Debug</c> or <c>Release</c>: the folder above the test assembly's own (<c>tests/X/bin/&lt;Configuration&gt;/net10.0/</c>),
    /// so a Release test run starts Release services and never picks up a stale Debug build.
    /// </summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    /// <summary>The project folder, <c>&lt;repo&gt;/&lt;project&gt;</c> (e.g. a web service's content root).</summary>
    /// <param name="project">Project folder name, e.g. <c>Worker</c>.</param>
    /// <exception cref="DirectoryNotFoundException">The repository root is not found (see <see cref="RepositoryRoot.Find"/>).</exception>
    public static string ProjectDirectory(string project) => Path.Combine(RepositoryRoot.Find(), project);

    /// <summary>The full path of <c>FaceAspire.&lt;project&gt;.dll</c> in <see cref="Configuration"/>.</summary>
    /// <param name="project">Project folder under the repository root, e.g. <c>Worker</c>, <c>Api</c>, <c>Cli</c>,
    /// <c>Admin</c>, <c>bench/Bench</c>; the assembly is named after its last part.</param>
    /// <exception cref="FileNotFoundException">The dll is not built (the message names the path).</exception>
    /// <exception cref="DirectoryNotFoundException">The repository root is not found.</exception>
    public static string Dll(string project)
    {
        var dll = Path.Combine(ProjectDirectory(project), "bin", Configuration, "net10.0", $"FaceAspire.{Path.GetFileName(project)}.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build {project} first: {dll} is missing.", dll);
    }
}
