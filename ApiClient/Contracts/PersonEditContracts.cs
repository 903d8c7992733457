namespace FaceAspire.ApiClient.Contracts;

/// <summary>
/// Body of <c>PATCH /api/persons/{id}</c>: each member that is present (not null) is applied; at least one must be.
/// </summary>
/// <param name="Name">New name (at most 200 characters, trimmed); an empty string clears the name; null leaves it.</param>
/// <param name="Hidden">Hide (true) or show (false) the person in lists; null leaves it.</param>
/// <param name="CoverFaceId">One of the person's faces to show as its picture; null leaves it.</param>
public sealed record PersonPatchRequest(string? Name = null, bool? Hidden = null, Guid? CoverFaceId = null);

/// <summary>Body of <c>POST /api/persons/{id}/merge</c>: the person in the route is merged INTO <paramref name="TargetId"/>.</summary>
/// <param name="TargetId">The person that keeps the faces (and the route's person's name if it has none).</param>
public sealed record MergeRequest(Guid TargetId);

/// <summary>A recorded merge (<c>GET /api/merges/{id}</c>, and the answer of a merge).</summary>
/// <param name="Id">Merge id, for <c>POST /api/merges/{id}/undo</c>.</param>
/// <param name="SourceId">The person merged away (it no longer exists while the merge stands).</param>
/// <param name="TargetId">The person that received the faces.</param>
/// <param name="MovedFaceIds">The faces moved from source to target.</param>
/// <param name="At">When merged.</param>
/// <param name="Actor">Who merged (an operator, or <c>api-key:</c> + key prefix).</param>
/// <param name="UndoneAt">When undone, or null while the merge stands.</param>
public sealed record MergeDto(long Id, Guid SourceId, Guid TargetId, IReadOnlyList<Guid> MovedFaceIds, DateTimeOffset At, string Actor,
    DateTimeOffset? UndoneAt);

/// <summary>The answer of <c>POST /api/merges/{id}/undo</c>.</summary>
/// <param name="MergeId">The merge undone.</param>
/// <param name="RestoredPersonId">The source person, recreated with its old id.</param>
/// <param name="FacesBack">Faces moved back (faces moved or deleted since the merge stay where they are).</param>
public sealed record MergeUndoneDto(long MergeId, Guid RestoredPersonId, int FacesBack);

/// <summary>Body of <c>POST /api/faces/{id}/move</c>: exactly one of the two.</summary>
/// <param name="PersonId">Move the face to this existing person.</param>
/// <param name="NewPerson">True: move the face to a new, unnamed person.</param>
public sealed record FaceMoveRequest(Guid? PersonId = null, bool? NewPerson = null);

/// <summary>The answer of <c>POST /api/faces/{id}/move</c>.</summary>
/// <param name="FaceId">The face moved.</param>
/// <param name="PersonId">Its person now.</param>
/// <param name="NewPerson">True when that person was created by this move.</param>
public sealed record FaceMovedDto(Guid FaceId, Guid PersonId, bool NewPerson);

/// <summary>The answer of <c>DELETE /api/persons/{id}</c>.</summary>
/// <param name="Id">The deleted person.</param>
/// <param name="Faces"><c>keep</c> (its faces stay, unassigned) or <c>delete</c> (erased with their emotion rows).</param>
/// <param name="FaceCount">Faces kept or erased.</param>
public sealed record PersonDeletedDto(Guid Id, string Faces, int FaceCount);
