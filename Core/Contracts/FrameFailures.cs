using System.Linq.Expressions;
using FaceAspire.Core.Data.Entities;

namespace FaceAspire.Core.Contracts;

/// <summary>
/// How <c>frames.error</c> begins for each way a frame fails, so that a failure about the image itself (retrying
/// cannot help) can be told from one that ran out of retries (it may well succeed now).
/// </summary>
public static class FrameFailures
{
    /// <summary>The image could not be decoded (permanent); the decoder's message follows.</summary>
    public const string Undecodable = "image could not be decoded";
    /// <summary>The frame's image row is gone (permanent).</summary>
    public const string MissingBytes = "image bytes are missing";
    /// <summary>Transient errors outlasted the retries (and any database outage wait); the last exception follows.</summary>
    public const string RetriesExhausted = "processing failed after retries";

    /// <summary>The beginnings of the failures about the image itself: the one definition of "about the image".</summary>
    public static IReadOnlyList<string> AboutTheImagePrefixes { get; } = [Undecodable, MissingBytes];

    /// <summary>True when <paramref name="error"/> is about the image itself, so processing it again would fail again.</summary>
    public static bool IsAboutTheImage(string? error) =>
        error is not null && AboutTheImagePrefixes.Any(p => error.StartsWith(p, StringComparison.Ordinal));

    /// <summary>
    /// The negation of <see cref="IsAboutTheImage"/> on <see cref="Frame.Error"/>, as an expression a LINQ provider
    /// translates (EF Core: <c>NOT (error IS NOT NULL AND (error LIKE 'image could not be decoded%' OR …))</c>), built
    /// from <see cref="AboutTheImagePrefixes"/> so that a query and the C# method cannot disagree. A frame without an
    /// error is not about the image.
    /// </summary>
    public static Expression<Func<Frame, bool>> FrameIsNotAboutTheImage { get; } = BuildFrameIsNotAboutTheImage();

    private static Expression<Func<Frame, bool>> BuildFrameIsNotAboutTheImage()
    {
        var frame = Expression.Parameter(typeof(Frame), "f");
        var error = Expression.Property(frame, nameof(Frame.Error));
        var startsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
        var anyPrefix = AboutTheImagePrefixes
            .Select(p => (Expression)Expression.Call(error, startsWith, Expression.Constant(p)))
            .Aggregate(Expression.OrElse);
        var aboutTheImage = Expression.AndAlso(Expression.NotEqual(error, Expression.Constant(null, typeof(string))), anyPrefix);
        return Expression.Lambda<Func<Frame, bool>>(Expression.Not(aboutTheImage), frame);
    }
}
