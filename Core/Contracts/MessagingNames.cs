namespace FaceAspire.Core.Contracts;

/// <summary>
/// Every RabbitMQ name the services agree on, in one place: the queues commands and requests are sent to (each a
/// consumer's endpoint in the Worker), and the exchanges events are published to (set on the event types with
/// MassTransit's <c>[EntityName]</c>, so every bus, a test's subscriber included, binds to the same exchange, and a
/// contract that moves to another namespace keeps its exchange). Senders use <see cref="Queue"/>; the Worker names its
/// endpoints with these constants.
/// </summary>
public static class MessagingNames
{
    /// <summary>Queue of <see cref="AnalyzeFrame"/> (the Worker's frame pipeline).</summary>
    public const string AnalyzeFrameQueue = "analyze-frame";

    /// <summary>Queue of <see cref="RunJob"/> (maintenance jobs, one at a time per worker).</summary>
    public const string RunJobQueue = "run-job";

    /// <summary>Queue of the <see cref="AnalyzeMood"/> request (answered with <see cref="MoodAnalyzed"/> or <see cref="ImageRejected"/>).</summary>
    public const string AnalyzeMoodQueue = "analyze-mood";

    /// <summary>Queue of the <see cref="IdentifyFaces"/> request (answered with <see cref="FacesIdentified"/> or <see cref="ImageRejected"/>).</summary>
    public const string IdentifyFacesQueue = "identify-faces";

    /// <summary>Queue of the <see cref="EnrolPerson"/> request (answered with <see cref="PersonEnrolled"/> or <see cref="ImageRejected"/>).</summary>
    public const string EnrolPersonQueue = "enrol-person";

    /// <summary>Queue of the <see cref="MakeThumbnail"/> request (answered with the thumbnail or <see cref="ImageRejected"/>).</summary>
    public const string MakeThumbnailQueue = "make-thumbnail";

    /// <summary>Fan-out exchange of <see cref="FrameAnalyzed"/>.</summary>
    public const string FrameAnalyzedExchange = "faceaspire.frame-analyzed";

    /// <summary>Fan-out exchange of <see cref="FaceRecognized"/>.</summary>
    public const string FaceRecognizedExchange = "faceaspire.face-recognized";

    /// <summary>
    /// The commands the outbox relay SENDS, by contract type, to their queue; every other contract in the outbox is an
    /// event and is published (ADR 0017).
    /// </summary>
    public static IReadOnlyDictionary<Type, string> CommandQueues { get; } = new Dictionary<Type, string>
    {
        [typeof(AnalyzeFrame)] = AnalyzeFrameQueue,
        [typeof(RunJob)] = RunJobQueue,
    };

    /// <summary>MassTransit's short address of a queue on the bus's host, e.g. <c>queue:analyze-frame</c>.</summary>
    /// <param name="queue">One of the queue constants.</param>
    public static Uri Queue(string queue) => new("queue:" + queue);

    /// <summary>Where MassTransit moves a queue's faulted messages, e.g. <c>analyze-frame_error</c>.</summary>
    /// <param name="queue">One of the queue constants.</param>
    public static string ErrorQueue(string queue) => queue + "_error";
}
