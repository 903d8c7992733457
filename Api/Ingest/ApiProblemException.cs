namespace FaceAspire.Api.Ingest;

/// <summary>
/// A caller's mistake found while reading or validating a request; becomes a ProblemDetails response with
/// <see cref="Status"/> (400, 413 or 415), never a 5xx.
/// </summary>
/// <param name="status">HTTP status code, 4xx.</param>
/// <param name="title">Short, fixed summary of the problem type.</param>
/// <param name="detail">What exactly was wrong with this request, fit to show the user.</param>
public sealed class ApiProblemException(int status, string title, string detail) : Exception(detail)
{
    /// <summary>HTTP status code (4xx).</summary>
    public int Status { get; } = status;

    /// <summary>Short summary of the problem type.</summary>
    public string Title { get; } = title;

    /// <summary>400 "Bad request".</summary>
    public static ApiProblemException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Bad request", detail);

    /// <summary>413 "Image too large".</summary>
    public static ApiProblemException TooLarge(string detail) => new(StatusCodes.Status413PayloadTooLarge, "Image too large", detail);

    /// <summary>415 "Unsupported media type".</summary>
    public static ApiProblemException Unsupported(string detail) =>
        new(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail);
}
