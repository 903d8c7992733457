using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace FaceAspire.Cli.CommandLine;

/// <summary>
/// Typed options and arguments with the checks the commands share. A value that fails a check is a parse error
/// (exit 2, <see cref="CommandLineApp"/>) whose message names the option and the value, e.g.
/// <c>--parallel must be between 1 and 64, got 0.</c>
/// </summary>
public static class CliOptions
{
    /// <summary>A whole-number option in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="name">e.g. <c>--parallel</c>.</param>
    /// <param name="description">Help text.</param>
    /// <param name="defaultValue">Value when the option is absent (shown in the help).</param>
    /// <param name="min">Smallest accepted value.</param>
    /// <param name="max">Largest accepted value; <see cref="int.MaxValue"/> for no upper bound.</param>
    /// <param name="aliases">Other names, e.g. <c>-n</c>.</param>
    public static Option<int> Int(string name, string description, int defaultValue, int min, int max = int.MaxValue, params string[] aliases) =>
        new(name, aliases)
        {
            Description = description,
            HelpName = "N",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => ParseInt(r, r.Tokens.Single().Value, min, max),
        };

    /// <summary>A comma-separated list of whole numbers, each in [<paramref name="min"/>, <paramref name="max"/>],
    /// e.g. <c>1,2</c>; read it with <see cref="IntListOption.ValueOf"/>.</summary>
    public static IntListOption IntList(string name, string description, int[] defaultValue, int min, int max = int.MaxValue) =>
        new(name, $"{description} [default: {string.Join(',', defaultValue)}]", defaultValue)
        {
            CustomParser = r => [.. r.Tokens.Single().Value.Split(',').Select(t => ParseInt(r, t.Trim(), min, max))],
        };

    /// <summary>A comma-separated list option. Its default lives here, not in System.CommandLine's default, whose
    /// help would print it as <c>1|2</c>, a syntax the option does not take.</summary>
    public sealed class IntListOption : Option<int[]>
    {
        private readonly int[] _default;

        /// <summary>An option <paramref name="name"/> with help text <paramref name="description"/>.</summary>
        public IntListOption(string name, string description, int[] defaultValue) : base(name)
        {
            _default = defaultValue;
            Description = description;
            HelpName = "N[,N…]";
        }

        /// <summary>The list given, or the default when the option is absent (System.CommandLine then gives an
        /// empty array, not null).</summary>
        public int[] ValueOf(ParseResult result) => result.GetResult(this) is null ? _default : result.GetValue(this)!;
    }

    /// <summary>A number option (invariant culture, e.g. <c>0.1</c>).</summary>
    public static Option<float?> Float(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "X",
        CustomParser = r =>
        {
            var text = r.Tokens.Single().Value;
            if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && float.IsFinite(value))
                return value;
            r.AddError($"{OptionName(r)} must be a number, got '{text}'.");
            return null;
        },
    };

    /// <summary>Files or folders that must exist when the command line is read.</summary>
    /// <param name="name">Placeholder in the help, e.g. <c>PATH</c>.</param>
    /// <param name="description">Help text.</param>
    /// <param name="arity">How many (e.g. <see cref="ArgumentArity.OneOrMore"/>).</param>
    /// <param name="files">Accept files.</param>
    /// <param name="folders">Accept folders.</param>
    public static Argument<string[]> ExistingPaths(string name, string description, ArgumentArity arity, bool files = true, bool folders = true)
    {
        var argument = new Argument<string[]>(name) { Description = description, Arity = arity };
        argument.Validators.Add(r =>
        {
            foreach (var path in r.Tokens.Select(t => t.Value))
            {
                if ((files && File.Exists(path)) || (folders && Directory.Exists(path)))
                    continue;
                // An option this command does not have is taken for a value by the parser; say what it is.
                r.AddError(path.StartsWith('-') ? $"Unknown option '{path}'."
                    : files && folders ? $"No such file or folder: {path}"
                    : files ? (Directory.Exists(path) ? $"{path} is a folder; a file is needed." : $"No such file: {path}")
                    : $"No such folder: {path}");
            }
        });
        return argument;
    }

    /// <summary>One file or folder that must exist; see <see cref="ExistingPaths"/>.</summary>
    public static Argument<string> ExistingPath(string name, string description, bool files = true, bool folders = true)
    {
        var argument = new Argument<string>(name) { Description = description };
        var check = ExistingPaths(name, description, ArgumentArity.ExactlyOne, files, folders).Validators.Single();
        argument.Validators.Add(check);
        return argument;
    }

    /// <summary>A file option whose file must exist.</summary>
    public static Option<string?> ExistingFile(string name, string description) =>
        ExistingPathOption(name, description, "FILE", File.Exists, "No such file");

    /// <summary>A folder option whose folder must exist.</summary>
    public static Option<string?> ExistingFolder(string name, string description) =>
        ExistingPathOption(name, description, "DIR", Directory.Exists, "No such folder");

    private static Option<string?> ExistingPathOption(string name, string description, string helpName, Func<string, bool> exists, string missing)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = helpName };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && !exists(r.Tokens[0].Value))
                r.AddError($"{missing} for {name}: {r.Tokens[0].Value}");
        });
        return option;
    }

    private static int ParseInt(ArgumentResult r, string text, int min, int max)
    {
        var name = OptionName(r);
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            r.AddError($"{name} must be a whole number, got '{text}'.");
        else if (n < min || n > max)
            r.AddError(max == int.MaxValue ? $"{name} must be at least {min}, got {n}." : $"{name} must be between {min} and {max}, got {n}.");
        return n;
    }

    private static string OptionName(ArgumentResult r) => r.Parent is OptionResult o ? o.Option.Name : r.Argument.Name;
}
