namespace FaceAspire.Admin.Services;

/// <summary>Name search of the admin's person pickers and grids.</summary>
public static class NameSearch
{
    /// <summary>An ILIKE pattern matching names that contain <paramref name="text"/> as a literal (its <c>\ % _</c> escaped).</summary>
    public static string Contains(string text) =>
        "%" + text.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
}
