using FaceAspire.Api.Ingest;
using FaceAspire.Core.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace FaceAspire.Api.Queries;

/// <summary>
/// The raw query string of the list endpoints, bound as strings so that every malformed value gets a 400
/// ValidationProblem naming the parameter (not a bare binding failure). Parse with <see cref="TryParse"/>.
/// </summary>
public sealed class ListQuery
{
    /// <summary>Person id (GUID).</summary>
    [FromQuery(Name = "person")]
    public string? Person { get; set; }
    /// <summary>Exact source name.</summary>
    [FromQuery(Name = "source")]
    public string? Source { get; set; }
    /// <summary>Dominant emotion label (angry, disgust, fear, happy, sad, surprise, neutral).</summary>
    [FromQuery(Name = "emotion")]
    public string? Emotion { get; set; }
    /// <summary>Inclusive lower bound of the capture time: ISO-8601 or unix ms.</summary>
    [FromQuery(Name = "from")]
    public string? From { get; set; }
    /// <summary>Exclusive upper bound of the capture time: ISO-8601 or unix ms.</summary>
    [FromQuery(Name = "to")]
    public string? To { get; set; }
    /// <summary>1-based page number (default 1).</summary>
    [FromQuery(Name = "page")]
    public string? Page { get; set; }
    /// <summary>Page size (default 50; at most Api:MaxPageSize, or Api:MaxCsvPageSize for CSV).</summary>
    [FromQuery(Name = "pageSize")]
    public string? PageSize { get; set; }

    /// <summary>The parsed filters, or the validation errors keyed by parameter name.</summary>
    public bool TryParse(int maxPageSize, out ListFilter filter, out Dictionary<string, string[]> errors)
    {
        errors = [];
        Guid? person = null;
        if (!string.IsNullOrWhiteSpace(Person))
        {
            if (Guid.TryParse(Person, out var p))
                person = p;
            else
                errors["person"] = ["'person' must be a person id (GUID)."];
        }
        string? emotion = null;
        if (!string.IsNullOrWhiteSpace(Emotion))
        {
            emotion = Emotion.Trim().ToLowerInvariant();
            if (EmotionLabels.IndexOf(emotion) < 0)
                errors["emotion"] = [$"'emotion' must be one of {string.Join(", ", EmotionLabels.All)}."];
        }
        var from = ParseTime(From, "from", errors);
        var to = ParseTime(To, "to", errors);
        if (from is not null && to is not null && from >= to)
            errors["to"] = ["'to' must be later than 'from'."];
        var page = ParseInt(Page, "page", 1, 1, 1_000_000, errors);
        var pageSize = ParseInt(PageSize, "pageSize", Math.Min(50, maxPageSize), 1, maxPageSize, errors);
        if ((long)(page - 1) * pageSize > int.MaxValue)
            errors["page"] = ["'page' × 'pageSize' is too large."];
        filter = new ListFilter(person, string.IsNullOrWhiteSpace(Source) ? null : Source.Trim(), emotion, from, to, page, pageSize);
        return errors.Count == 0;
    }

    private static DateTimeOffset? ParseTime(string? value, string name, Dictionary<string, string[]> errors)
    {
        try
        {
            return Timestamps.Parse(value, name);
        }
        catch (ApiProblemException e)
        {
            errors[name] = [e.Message];
            return null;
        }
    }

    private static int ParseInt(string? value, string name, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
            return fallback;
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            && n >= min && n <= max)
            return n;
        errors[name] = [$"'{name}' must be a whole number from {min} to {max}."];
        return fallback;
    }
}

/// <summary>Validated list filters; null members do not filter.</summary>
/// <param name="Person">Only rows of this person.</param>
/// <param name="Source">Only rows of this source (exact match).</param>
/// <param name="Emotion">Only rows whose dominant emotion is this label.</param>
/// <param name="From">Capture time ≥ this (UTC).</param>
/// <param name="To">Capture time &lt; this (UTC).</param>
/// <param name="Page">1-based page.</param>
/// <param name="PageSize">Items per page.</param>
public sealed record ListFilter(Guid? Person, string? Source, string? Emotion, DateTimeOffset? From, DateTimeOffset? To, int Page, int PageSize)
{
    /// <summary>Rows to skip.</summary>
    public int Skip => (Page - 1) * PageSize;
}
