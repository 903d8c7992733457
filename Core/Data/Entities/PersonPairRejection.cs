namespace FaceAspire.Core.Data.Entities;

/// <summary>
/// An operator's "not the same person" answer to a merge suggestion (table <c>person_pair_rejections</c>), stored
/// with the smaller id first so a pair has one row. Written and read by <see cref="Identity.MergeSuggestions"/>.
/// </summary>
public sealed class PersonPairRejection
{
    /// <summary>The smaller person id of the pair.</summary>
    public Guid PersonA { get; set; }
    /// <summary>The larger person id of the pair.</summary>
    public Guid PersonB { get; set; }
    /// <summary>When it was answered.</summary>
    public DateTimeOffset At { get; set; }
    /// <summary>Who answered.</summary>
    public string Actor { get; set; } = "";
}

/// <summary>The admin user created by the first-run setup page (table <c>admin_users</c>); only a password hash is stored.</summary>
public sealed class AdminUser
{
    /// <summary>Login name (primary key).</summary>
    public string Username { get; set; } = "";
    /// <summary>ASP.NET Core Identity PasswordHasher hash.</summary>
    public string PasswordHash { get; set; } = "";
    /// <summary>When the account was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
