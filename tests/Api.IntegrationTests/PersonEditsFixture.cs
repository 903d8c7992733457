using FaceAspire.Api.Auth;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>
/// The Api with keys of single scopes, and a way to write analysed frames through Core exactly as the Worker does
/// (FrameIngest → FrameWriter), each face of its own random identity, so every test makes the persons it edits.
/// </summary>
public sealed class PersonEditsFixture : ApiFixture, IAsyncLifetime
{
    private readonly Random _rng = new(7);
    private int _frames;

    /// <summary>A key with only the <c>ingest</c> scope.</summary>
    public string IngestKey { get; } = Core.Data.Entities.ApiKey.Generate();
    /// <summary>A key with only the <c>read</c> scope.</summary>
    public string ReadKey { get; } = Core.Data.Entities.ApiKey.Generate();
    /// <summary>A key with only the <c>manage</c> scope.</summary>
    public string ManageKey { get; } = Core.Data.Entities.ApiKey.Generate();
    /// <summary>A key with every scope that expired an hour ago.</summary>
    public string ExpiredKey { get; } = Core.Data.Entities.ApiKey.Generate();
    /// <summary>The <c>audit_log.actor</c> of <see cref="ApiFixture.Client"/>'s key.</summary>
    public string Actor => "api-key:" + ApiKey[..Core.Data.Entities.ApiKey.PrefixLength];

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var keys = App.Services.GetRequiredService<ApiKeyValidator>();
        await keys.EnsureAsync("camera", IngestKey, CancellationToken.None, ["ingest"]);
        await keys.EnsureAsync("dashboard", ReadKey, CancellationToken.None, ["read"]);
        await keys.EnsureAsync("curator", ManageKey, CancellationToken.None, ["manage"]);
        await keys.EnsureAsync("old", ExpiredKey, CancellationToken.None, null, DateTimeOffset.UtcNow.AddHours(-1));
    }

    /// <summary>
    /// Writes one analysed frame with <paramref name="faces"/> faces of random identities (left to right) and puts each
    /// face in a new person of its own with Core's editor, so the tests do not depend on how the matcher forms persons.
    /// Returns the frame, its face ids and their person ids in that order.
    /// </summary>
    public async Task<(Guid Frame, Guid[] Faces, Guid[] Persons)> FrameAsync(int faces)
    {
        var (frame, ids) = await WriteFrameAsync(faces);
        var editor = App.Services.GetRequiredService<PersonEditor>();
        var persons = new Guid[ids.Length];
        for (var i = 0; i < ids.Length; i++)
            persons[i] = await editor.MoveFacesAsync([ids[i]], null, "fixture");
        return (frame, ids, persons);
    }

    /// <summary>Writes a frame with one face and puts that face on <paramref name="person"/>; returns the face.</summary>
    public async Task<Guid> AddFaceAsync(Guid person)
    {
        var (_, ids) = await WriteFrameAsync(1);
        await App.Services.GetRequiredService<PersonEditor>().MoveFacesAsync(ids, person, "fixture");
        return ids[0];
    }

    private async Task<(Guid Frame, Guid[] Faces)> WriteFrameAsync(int count)
    {
        var ingest = App.Services.GetRequiredService<FrameIngest>();
        var writer = App.Services.GetRequiredService<FrameWriter>();
        var n = Interlocked.Increment(ref _frames);
        var accepted = await ingest.AcceptAsync(Photos.Variant(Photos.Obama, $"edits {n}"), "image/jpeg", "cam-edits",
            new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(n), null);
        FaceObservation[] faces;
        lock (_rng)
            faces = [.. Enumerable.Range(0, count).Select(i => Face(Embeddings.RandomUnit(_rng), 200 * i))];
        await writer.WriteAsync(accepted.FrameId, 1280, 720, "fr_feature@test", faces);
        var ids = new List<Guid>();
        await using var command = AppDataSource.CreateCommand("SELECT id FROM faces WHERE frame_id = @f ORDER BY x");
        command.Parameters.AddWithValue("f", accepted.FrameId);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            ids.Add(reader.GetGuid(0));
        return (accepted.FrameId, [.. ids]);
    }

    /// <summary>Audit rows of an action on a subject, newest first, as (actor, details JSON).</summary>
    public async Task<List<(string Actor, string? Details)>> AuditAsync(string action, string subject)
    {
        var rows = new List<(string, string?)>();
        await using var command = AppDataSource.CreateCommand(
            "SELECT actor, details::text FROM audit_log WHERE action = @a AND subject = @s ORDER BY id DESC");
        command.Parameters.AddWithValue("a", action);
        command.Parameters.AddWithValue("s", subject);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        return rows;
    }

    // A sharp, frontal face with eyes 40 px apart: well over the recognisability gate.
    private static FaceObservation Face(float[] embedding, float x)
    {
        var scores = new float[EmotionLabels.Count];
        Array.Fill(scores, 0.05f);
        scores[EmotionLabels.IndexOf("neutral")] = 0.7f;
        float[] landmarks = [x + 40, 90, x + 80, 90, x + 60, 115, x + 45, 135, x + 75, 135];
        return new FaceObservation(x, 40, 120, 150, landmarks, 0.97f, 0.9f, embedding, scores, "neutral", 0.7f, 30, "female",
            Photos.Read("identities/lfw12/Serena_Williams/Serena_Williams_0001.jpg"));
    }
}
