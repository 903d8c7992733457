namespace FaceAspire.Core.Contracts;

/// <summary>
/// Request (queue <c>identify-faces</c>): for every face of an image, the nearest persons. Answered with
/// <see cref="FacesIdentified"/> or <see cref="ImageRejected"/> (bad image, no face). Nothing is stored.
/// </summary>
/// <param name="Image">Encoded JPEG or PNG bytes.</param>
/// <param name="TopPersons">Candidates per face, 1–10.</param>
public sealed record IdentifyFaces(byte[] Image, int TopPersons);

/// <summary>Response to <see cref="IdentifyFaces"/>.</summary>
/// <param name="ModelVersion">Embedding model the faces were compared with (only faces of this model are searched).</param>
/// <param name="Width">Image width, pixels.</param>
/// <param name="Height">Image height, pixels.</param>
/// <param name="Faces">The faces, best detection score first.</param>
public sealed record FacesIdentified(string ModelVersion, int Width, int Height, IReadOnlyList<IdentifiedFace> Faces);

/// <summary>One face of <see cref="FacesIdentified"/>.</summary>
/// <param name="Box">Face box.</param>
/// <param name="Quality">Face quality in [0, 1].</param>
/// <param name="Candidates">Up to TopPersons persons, most similar first, whatever their similarity.</param>
public sealed record IdentifiedFace(FaceBox Box, float Quality, IReadOnlyList<PersonCandidate> Candidates);

/// <summary>A person near a face.</summary>
/// <param name="PersonId">The person.</param>
/// <param name="Name">Its name, or null.</param>
/// <param name="Similarity">Highest cosine similarity between the face and one of the person's stored faces, [-1, 1].</param>
public sealed record PersonCandidate(Guid PersonId, string? Name, float Similarity);

/// <summary>
/// Request (queue <c>enrol-person</c>): make a named person from labelled photos, or add photos to an existing
/// person. Every image must hold exactly one face; otherwise nothing is stored and <see cref="ImageRejected"/> names
/// the first bad image. On success the frames, images, faces and person are written in ONE transaction and
/// <see cref="PersonEnrolled"/> comes back.
/// </summary>
/// <param name="PersonId">Existing person to add to, or null to create one.</param>
/// <param name="Name">Name of the new person (ignored when <paramref name="PersonId"/> is set), 1–200 characters.</param>
/// <param name="Images">One or more labelled images.</param>
/// <param name="Actor">Who asked (for the audit log).</param>
public sealed record EnrolPerson(Guid? PersonId, string? Name, IReadOnlyList<EnrolImage> Images, string Actor);

/// <summary>One image of <see cref="EnrolPerson"/>.</summary>
/// <param name="Name">File name, used in error messages.</param>
/// <param name="Content">Encoded JPEG or PNG bytes.</param>
public sealed record EnrolImage(string Name, byte[] Content);

/// <summary>Response to <see cref="EnrolPerson"/>.</summary>
/// <param name="PersonId">The person (new or existing).</param>
/// <param name="FaceIds">The enrolled faces, in image order.</param>
/// <param name="FrameIds">The frames of the images, in image order.</param>
public sealed record PersonEnrolled(Guid PersonId, IReadOnlyList<Guid> FaceIds, IReadOnlyList<Guid> FrameIds);

/// <summary>
/// Command (SENT to <c>queue:run-job</c>): run the maintenance job whose <c>jobs</c> row has this id. The row holds
/// kind and parameters; a worker marks it running, updates progress and finishes it.
/// </summary>
/// <param name="JobId">Primary key of the <c>jobs</c> row.</param>
/// <param name="Kind">The job's kind (also in the row), for logs and routing.</param>
public sealed record RunJob(Guid JobId, string Kind);
