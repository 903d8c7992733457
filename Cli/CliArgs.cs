namespace FaceAspire.Cli;

/// <summary>
/// Minimal argument parsing: positional values, <c>--flag</c> switches and <c>--name value</c> options.
/// (Spectre.Console.Cli and System.CommandLine are not in this registry.)
/// </summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Parses <paramref name="args"/>; names in <paramref name="valued"/> take the next token as their value.</summary>
    /// <exception cref="UsageException">A valued option is last on the line.</exception>
    public CliArgs(IEnumerable<string> args, params string[] valued)
    {
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                var name = a[2..];
                var eq = name.IndexOf('=');
                if (eq >= 0) { _options[name[..eq]] = name[(eq + 1)..]; continue; }
                if (valued.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    if (i + 1 >= list.Count) throw new UsageException($"--{name} needs a value.");
                    _options[name] = list[++i];
                }
                else _options[name] = null;
            }
            else Positional.Add(a);
        }
    }

    /// <summary>Values that are not options, in order.</summary>
    public List<string> Positional { get; } = [];

    /// <summary>Whether a switch or option was given.</summary>
    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>An option's value, or <paramref name="fallback"/>.</summary>
    public string? Get(string name, string? fallback = null) => _options.TryGetValue(name, out var v) && v is not null ? v : fallback;

    /// <summary>An integer option.</summary>
    /// <exception cref="UsageException">The value is not an integer.</exception>
    public int GetInt(string name, int fallback) => Get(name) is { } v
        ? int.TryParse(v, out var n) ? n : throw new UsageException($"--{name} must be a whole number, got '{v}'.")
        : fallback;

    /// <summary>An integer option that must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <exception cref="UsageException">The value is not an integer, or out of range.</exception>
    public int GetInt(string name, int fallback, int min, int max = int.MaxValue)
    {
        var n = GetInt(name, fallback);
        if (n < min || n > max)
            throw new UsageException(max == int.MaxValue ? $"--{name} must be at least {min}, got {n}." : $"--{name} must be between {min} and {max}, got {n}.");
        return n;
    }

    /// <summary>A number option.</summary>
    /// <exception cref="UsageException">The value is not a number.</exception>
    public float GetFloat(string name, float fallback) => Get(name) is { } v
        ? float.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : throw new UsageException($"--{name} must be a number, got '{v}'.")
        : fallback;
}

/// <summary>A command-line mistake; printed with the usage and exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
