namespace FaceAspire.ApiClient.Contracts;

/// <summary>A candidate person of an identified face.</summary>
/// <param name="PersonId">The person.</param>
/// <param name="Name">Its name, or null.</param>
/// <param name="Similarity">Best cosine similarity to one of its faces, [-1, 1].</param>
/// <param name="Confidence">Calibrated probability of being that person, [0, 1] (IdentityConfidence in Core).</param>
public sealed record CandidateDto(Guid PersonId, string? Name, float Similarity, double Confidence);

/// <summary>One face of <c>POST /api/identify</c>.</summary>
/// <param name="Box">Face box, pixels.</param>
/// <param name="Identity"><c>"identified"</c> or <c>"unknown"</c> (best similarity under the match threshold).</param>
/// <param name="Person">The best candidate when identified, else null.</param>
/// <param name="Candidates">Top 3 persons, most similar first (also when unknown).</param>
public sealed record IdentifiedFaceDto(BoxDto Box, string Identity, CandidateDto? Person, IReadOnlyList<CandidateDto> Candidates);

/// <summary>The answer of <c>POST /api/identify</c>.</summary>
public sealed record IdentifyDto(string ModelVersion, float Threshold, IReadOnlyList<IdentifiedFaceDto> Faces);

/// <summary>The answer of an enrolment.</summary>
public sealed record EnrolledDto(Guid Id, string? Name, IReadOnlyList<Guid> FaceIds, IReadOnlyList<Guid> FrameIds);
