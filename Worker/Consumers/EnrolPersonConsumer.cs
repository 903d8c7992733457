using FaceAspire.Core.Security;
using System.Data;
using System.Security.Cryptography;
using System.Text.Json;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Identity;
using FaceAspire.Vision;
using FaceAspire.Vision.Imaging;
using FaceAspire.Worker.Pipeline;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace FaceAspire.Worker.Consumers;

/// <summary>
/// Answers <see cref="EnrolPerson"/> (queue <c>enrol-person</c>). First every image is analysed; any image without
/// exactly one face (or undecodable) rejects the whole request, naming that image, before anything is written.
/// Then ONE transaction: the person, and per image its frame
/// (status done, source <c>enrolment</c>, thumbnail), its face assigned to the person, the person's counters and
/// cover (<see cref="FaceStore.UpdatePersonAsync"/>) and an audit entry. An image already ingested earlier keeps its
/// frame: its stored face is MOVED to the named person (the old person's count and cover are repaired; a person left
/// without faces is deleted) instead of being stored twice. Each analysis takes a slot of the process's
/// <see cref="AnalysisGate"/>.
/// <para>
/// Enrolment names, it does not split: a new enrolment whose faces the matcher's vote gives to an existing person
/// (<see cref="IdentityMatcher.Vote"/> over each face's neighbours) names that person when it is unnamed (or already
/// carries the same name) and adds the photos to it, so identify answers the named person; when the matched person has
/// another name, the request is refused (<see cref="ImageRejectionCodes.NameConflict"/>, 409 at the Api) naming both.
/// Only without any match is a new person made.
/// </para>
/// </summary>
public sealed class EnrolPersonConsumer(IFaceAnalyzer analyzer, AnalysisGate gate, VisionOptions vision, NpgsqlDataSource dataSource, FaceStore store,
    IdentityMatcher matcher, ImageSealer sealer, IOptions<WorkerOptions> options, ILogger<EnrolPersonConsumer> logger) : IConsumer<EnrolPerson>
{
    private sealed record Prepared(EnrolImage Image, FaceObservation Face, int Width, int Height, string ContentType);

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<EnrolPerson> context)
    {
        var message = context.Message;
        var decoder = new ImageDecoder(vision.Limits);
        var prepared = new List<Prepared>(message.Images.Count);
        foreach (var image in message.Images)
        {
            RgbImage rgb;
            try
            {
                rgb = decoder.Decode(image.Content);
            }
            catch (ImageDecodeException e)
            {
                await context.RespondAsync(new ImageRejected(ImageRejectionCodes.BadImage, $"'{image.Name}' could not be decoded: {e.Message}", image.Name));
                return;
            }
            using (rgb)
            {
                var analysis = await gate.RunAsync(() => analyzer.Analyze(rgb, new AnalysisRequest(CropSize: options.Value.EffectiveCropSize)),
                    context.CancellationToken);
                if (analysis.Faces.Count != 1)
                {
                    var code = analysis.Faces.Count == 0 ? ImageRejectionCodes.NoFace : ImageRejectionCodes.SeveralFaces;
                    await context.RespondAsync(new ImageRejected(code,
                        $"'{image.Name}' shows {analysis.Faces.Count} faces; an enrolment image must show exactly one.", image.Name));
                    return;
                }
                var format = decoder.Probe(image.Content).Format;
                prepared.Add(new Prepared(image, FaceObservationMapper.Map(analysis.Faces[0], sealer), analysis.Width, analysis.Height,
                    format == ImageFormat.Png ? "image/png" : "image/jpeg"));
            }
        }

        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, context.CancellationToken);
        var ct = context.CancellationToken;
        Guid personId;
        if (message.PersonId is { } existing)
        {
            await using var check = new NpgsqlCommand("SELECT 1 FROM persons WHERE id = @id FOR UPDATE", connection, transaction);
            check.Parameters.AddWithValue("id", existing);
            if (await check.ExecuteScalarAsync(ct) is null)
            {
                await context.RespondAsync(new ImageRejected(ImageRejectionCodes.UnknownPerson, $"No person with id {existing}."));
                return;
            }
            personId = existing;
        }
        else if (await MatchedPersonAsync(connection, transaction, prepared, ct) is { } matched)
        {
            var name = (message.Name ?? "").Trim();
            if (!string.IsNullOrEmpty(matched.Name) && !string.Equals(matched.Name.Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                await context.RespondAsync(new ImageRejected(ImageRejectionCodes.NameConflict,
                    $"The faces match person {matched.Id}, enrolled as '{matched.Name}'; refusing to enrol them as '{name}'. " +
                    "Rename that person, or add these photos to it."));
                return;
            }
            personId = matched.Id;
            await ExecAsync(connection, transaction, "UPDATE persons SET name = @name WHERE id = @id", ct, ("id", personId), ("name", name));
        }
        else
        {
            personId = Guid.CreateVersion7();
            await ExecAsync(connection, transaction, "INSERT INTO persons (id, name) VALUES (@id, @name)", ct, ("id", personId), ("name", message.Name ?? ""));
        }

        var now = DateTimeOffset.UtcNow;
        var faceIds = new List<Guid>();
        var frameIds = new List<Guid>();
        var emptied = new HashSet<Guid>();
        var added = 0;
        (Guid Face, float Quality) best = (Guid.Empty, float.MinValue);
        foreach (var p in prepared)
        {
            var (frameId, faceId, oldPerson) = await StoreAsync(connection, transaction, p, personId, now, ct);
            if (oldPerson is { } old && old != personId)
                emptied.Add(old);
            if (oldPerson != personId)
                added++; // a face the person already had (same photo enrolled again) is not counted twice
            faceIds.Add(faceId);
            frameIds.Add(frameId);
            if (p.Face.Quality > best.Quality)
                best = (faceId, p.Face.Quality);
        }
        await store.UpdatePersonAsync(personId, added, now, best.Face, best.Quality, connection, transaction, ct);
        if (emptied.Count > 0)
            await RepairOldPersonsAsync(connection, transaction, [.. emptied], ct);
        var details = JsonSerializer.Serialize(new { images = message.Images.Select(i => i.Name), faces = faceIds, moved_from = emptied });
        await ExecAsync(connection, transaction, "INSERT INTO audit_log (actor, action, subject, details) VALUES (@a, @act, @s, @d::jsonb)", ct,
            ("a", message.Actor), ("act", message.PersonId is null ? "person.enrol" : "person.add-faces"), ("s", personId.ToString()), ("d", details));
        await transaction.CommitAsync(ct);
        logger.LogInformation("Enrolled {Faces} face(s) into person {PersonId}", faceIds.Count, personId);
        await context.RespondAsync(new PersonEnrolled(personId, faceIds, frameIds));
    }

    /// <summary>
    /// The person the enrolment's faces belong to by the matcher's vote (the person most faces vote for, locked), with
    /// its name; null when no face matches anyone.
    /// </summary>
    private async Task<(Guid Id, string? Name)?> MatchedPersonAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        List<Prepared> prepared, CancellationToken ct)
    {
        var votes = new Dictionary<Guid, int>();
        foreach (var p in prepared)
        {
            var neighbours = await store.NearestAsync(p.Face.Embedding, matcher.Options.TopK, connection, transaction, ct, analyzer.EmbeddingModel);
            if (matcher.Vote(neighbours) is { } vote)
                votes[vote.PersonId] = votes.GetValueOrDefault(vote.PersonId) + 1;
        }
        if (votes.Count == 0)
            return null;
        var personId = votes.OrderByDescending(v => v.Value).ThenBy(v => v.Key).First().Key;
        await using var command = new NpgsqlCommand("SELECT name FROM persons WHERE id = @id FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue("id", personId);
        var name = await command.ExecuteScalarAsync(ct);
        return (personId, name as string);
    }

    private async Task<(Guid Frame, Guid Face, Guid? OldPerson)> StoreAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        Prepared p, Guid personId, DateTimeOffset now, CancellationToken ct)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(p.Image.Content));
        var frameId = Guid.CreateVersion7();
        var metadata = JsonSerializer.Serialize(new { fileName = p.Image.Name, enrolment = true, width = p.Width, height = p.Height });
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO frames (id, sha256, source, captured_at, status, width, height, metadata)
            VALUES (@id, @sha, 'enrolment', @now, 'done', @w, @h, @meta::jsonb) ON CONFLICT (sha256) DO NOTHING
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", frameId);
            insert.Parameters.AddWithValue("sha", sha);
            insert.Parameters.AddWithValue("now", now);
            insert.Parameters.AddWithValue("w", p.Width);
            insert.Parameters.AddWithValue("h", p.Height);
            insert.Parameters.AddWithValue("meta", metadata);
            if (await insert.ExecuteNonQueryAsync(ct) == 1)
            {
                await ExecAsync(connection, transaction, "INSERT INTO frame_images (frame_id, content, content_type) VALUES (@id, @c, @t)", ct,
                    ("id", frameId), ("c", sealer.Seal(p.Image.Content, SealedColumns.FrameContent)), ("t", p.ContentType));
                return (frameId, await InsertFaceAsync(connection, transaction, p, frameId, personId, now, null, ct), null);
            }
        }
        // The same bytes were ingested before: reuse the frame, move its one face rather than storing it twice.
        string status;
        await using (var find = new NpgsqlCommand("SELECT id, status FROM frames WHERE sha256 = @sha FOR UPDATE", connection, transaction))
        {
            find.Parameters.AddWithValue("sha", sha);
            await using var reader = await find.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (frameId, status) = (reader.GetGuid(0), reader.GetString(1));
        }
        var faces = new List<(Guid Id, Guid? Person)>();
        await using (var list = new NpgsqlCommand("SELECT id, person_id FROM faces WHERE frame_id = @f", connection, transaction))
        {
            list.Parameters.AddWithValue("f", frameId);
            await using var reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                faces.Add((reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetGuid(1)));
        }
        if (status == FrameStatus.Done && faces.Count == 1)
        {
            var (faceId, old) = faces[0];
            await ExecAsync(connection, transaction, "UPDATE faces SET person_id = @p, identity_state = 'assigned', new_person = false WHERE id = @id", ct, ("p", personId), ("id", faceId));
            await ExecAsync(connection, transaction, "UPDATE emotions SET person_id = @p WHERE face_id = @id", ct, ("p", personId), ("id", faceId));
            if (old is { } o && o != personId)
                await ExecAsync(connection, transaction, "UPDATE persons SET face_count = face_count - 1 WHERE id = @id", ct, ("id", o));
            return (frameId, faceId, old);
        }
        var inserted = await InsertFaceAsync(connection, transaction, p, frameId, personId, now, status, ct);
        return (frameId, inserted, null);
    }

    private async Task<Guid> InsertFaceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Prepared p, Guid frameId, Guid personId,
        DateTimeOffset now, string? previousStatus, CancellationToken ct)
    {
        var faceId = Guid.CreateVersion7();
        await store.InsertFaceAsync(faceId, personId, false, p.Face, new FaceOrigin(frameId, now, "enrolment", analyzer.EmbeddingModel),
            connection, transaction, ct);
        if (previousStatus is not null and not FrameStatus.Done)
        {
            // Queued or processing: mark it done now so the pending AnalyzeFrame does not store the face a second time.
            await ExecAsync(connection, transaction, "UPDATE frames SET status = 'done', width = @w, height = @h, error = NULL WHERE id = @id", ct,
                ("w", p.Width), ("h", p.Height), ("id", frameId));
        }
        return faceId;
    }

    private static async Task RepairOldPersonsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] persons, CancellationToken ct)
    {
        await ExecAsync(connection, transaction, """
            UPDATE persons p SET
              cover_face_id = (SELECT id FROM faces WHERE person_id = p.id ORDER BY quality DESC LIMIT 1),
              best_quality = (SELECT max(quality) FROM faces WHERE person_id = p.id)
            WHERE p.id = ANY(@ids);
            DELETE FROM persons p WHERE p.id = ANY(@ids) AND NOT EXISTS (SELECT 1 FROM faces WHERE person_id = p.id);
            """, ct, ("ids", persons));
    }

    private static async Task ExecAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync(ct);
    }
}
