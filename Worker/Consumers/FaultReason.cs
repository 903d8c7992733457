using MassTransit;

namespace FaceAspire.Worker.Consumers;

/// <summary>The reason a fault consumer records: a prefix, then the first exception's type and message.</summary>
public static class FaultReason
{
    /// <summary>Longest reason stored; exception messages can carry whole SQL statements.</summary>
    public const int MaxLength = 1000;

    /// <summary>
    /// <c>"{prefix}: {ExceptionType}: {Message}"</c> of the fault's first exception (just <paramref name="prefix"/> when it
    /// has none), cut to <see cref="MaxLength"/> characters.
    /// </summary>
    public static string Of<T>(Fault<T> fault, string prefix) where T : class
    {
        var first = fault.Exceptions.FirstOrDefault();
        var reason = first is null ? prefix : $"{prefix}: {first.ExceptionType}: {first.Message}";
        return reason.Length > MaxLength ? reason[..MaxLength] : reason;
    }
}
