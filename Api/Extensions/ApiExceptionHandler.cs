using FaceAspire.Api.Ingest;
using FaceAspire.Core.Data;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace FaceAspire.Api.Extensions;

/// <summary>
/// Maps exceptions that are the caller's fault to 4xx ProblemDetails: <see cref="ApiProblemException"/> to its
/// status, Kestrel's <see cref="BadHttpRequestException"/> to its status (413 for a body over MaxRequestBodySize,
/// 400 for a malformed request), and an aborted request to 499 without a body. A transient database failure
/// (database down or restarting, connection slots or pool exhausted; <see cref="DatabaseFailures.IsTransient"/>,
/// which also looks inside the exceptions EF Core wraps it in) is no bug and no caller mistake: 503 with
/// <c>Retry-After: 2</c>, so clients retry. Everything else is left to the default handler (500 ProblemDetails, logged).
/// </summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            ApiProblemException p => (p.Status, p.Title, p.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (413, "Request too large",
                "The request body is larger than the server accepts."),
            BadHttpRequestException b => (b.StatusCode, "Bad request", b.Message),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, "", ""),
            _ when DatabaseFailures.IsTransient(exception) => (StatusCodes.Status503ServiceUnavailable, "Database unavailable",
                "The database is temporarily unavailable or at its connection limit; retry shortly."),
            _ => (0, "", ""),
        };
        if (status == 0)
            return false;
        httpContext.Response.StatusCode = status;
        if (status == 499)
            return true;
        if (status == StatusCodes.Status503ServiceUnavailable)
            httpContext.Response.Headers.RetryAfter = "2";
        var written = await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
        // A caller that accepts only another type (Accept: text/csv) gets no JSON, but still this status: returning
        // false would hand the exception to the default handler, which answers 500.
        if (!written)
        {
            httpContext.Response.ContentType = "text/plain; charset=utf-8";
            await httpContext.Response.WriteAsync($"{title}: {detail}", cancellationToken);
        }
        return true;
    }
}
