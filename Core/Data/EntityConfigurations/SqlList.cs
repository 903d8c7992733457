namespace FaceAspire.Core.Data.EntityConfigurations;

/// <summary>SQL text for the model's check constraints, built from the code's own lists of values, so a value added in
/// code changes the model and needs a migration (the pending-model-changes test fails until it has one).</summary>
internal static class SqlList
{
    /// <summary><c>'a', 'b', 'c'</c>: string literals for <c>IN (…)</c>. The values are code constants without quotes.</summary>
    public static string Of(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"'{v}'"));
}
