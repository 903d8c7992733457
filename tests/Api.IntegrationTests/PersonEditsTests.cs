using FaceAspire.ApiClient;
using FaceAspire.ApiClient.Contracts;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>The persons API (issue 30): PATCH, merge and undo, face moves, delete, each audited and behind the manage scope.</summary>
public sealed class PersonEditsTests(PersonEditsFixture api) : IClassFixture<PersonEditsFixture>
{
    private static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private Task<HttpResponseMessage> PatchAsync(HttpClient client, Guid person, object body) =>
        client.PatchAsync($"api/persons/{person}", Http.JsonBody(body));

    private async Task<int> CountAsync(string sql, Guid id) => (int)await api.ScalarAsync<long>(sql, ("id", id));

    [Fact]
    public async Task PatchRenamesHidesAndSetsTheCoverEachAuditedWithTheKeyAsActor()
    {
        var first = await api.FrameAsync(1);
        var person = first.Persons[0];
        var second = await api.AddFaceAsync(person);

        var body = await OkJsonAsync(await PatchAsync(api.Client, person, new { name = "  Ada  ", hidden = true, coverFaceId = second }));
        Assert.Equal("Ada", body.GetProperty("name").GetString());
        Assert.True(body.GetProperty("hidden").GetBoolean());
        Assert.Equal(second, body.GetProperty("coverFaceId").GetGuid());
        Assert.Equal(api.Actor, Assert.Single(await api.AuditAsync("person.rename", person.ToString())).Actor);
        Assert.Single(await api.AuditAsync("person.hide", person.ToString()));
        Assert.Contains(second.ToString(), Assert.Single(await api.AuditAsync("person.cover", person.ToString())).Details);

        body = await OkJsonAsync(await PatchAsync(api.Client, person, new { name = "", hidden = false }));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("name").ValueKind);
        Assert.False(body.GetProperty("hidden").GetBoolean());
    }

    [Fact]
    public async Task PatchRefusesBadFieldsAForeignCoverAndUnknownPersons()
    {
        var (_, _, persons) = await api.FrameAsync(1);
        var (_, otherFaces, _) = await api.FrameAsync(1);
        var empty = await Http.ExpectProblemAsync(await PatchAsync(api.Client, persons[0], new { }), HttpStatusCode.BadRequest);
        Assert.True(empty.TryGetProperty("errors", out _));
        var longName = await Http.ExpectProblemAsync(await PatchAsync(api.Client, persons[0], new { name = new string('x', 201) }),
            HttpStatusCode.BadRequest);
        Assert.True(longName.GetProperty("errors").TryGetProperty("name", out _));
        var cover = await Http.ExpectProblemAsync(await PatchAsync(api.Client, persons[0], new { name = "Not applied", coverFaceId = otherFaces[0] }),
            HttpStatusCode.BadRequest);
        Assert.True(cover.GetProperty("errors").TryGetProperty("coverFaceId", out _));
        Assert.Empty(await api.AuditAsync("person.rename", persons[0].ToString()));
        await Http.ExpectProblemAsync(await PatchAsync(api.Client, Guid.NewGuid(), new { name = "Nobody" }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MergeOfPersonsSharingAPhotoIs409ListingThePhotoAndAMergeCanBeUndoneOnce()
    {
        var together = await api.FrameAsync(2);
        var (pa, pb) = (together.Persons[0], together.Persons[1]);
        Assert.NotEqual(pa, pb);

        var conflict = await Http.ExpectProblemAsync(
            await api.Client.PostAsync($"api/persons/{pa}/merge", Http.JsonBody(new { targetId = pb })), HttpStatusCode.Conflict);
        Assert.Equal([together.Frame], conflict.GetProperty("sharedFrameIds").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Empty(await api.AuditAsync("person.merge", pb.ToString()));

        var c = await api.FrameAsync(1);
        var merged = await OkJsonAsync(await api.Client.PostAsync($"api/persons/{c.Persons[0]}/merge", Http.JsonBody(new { targetId = pa })),
            HttpStatusCode.Created);
        var mergeId = merged.GetProperty("id").GetInt64();
        Assert.Equal([c.Faces[0]], merged.GetProperty("movedFaceIds").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Equal(pa, await api.ScalarAsync<Guid>("SELECT person_id FROM faces WHERE id = @id", ("id", c.Faces[0])));
        Assert.Equal(api.Actor, Assert.Single(await api.AuditAsync("person.merge", pa.ToString())).Actor);
        Assert.Equal(mergeId, (await OkJsonAsync(await api.Client.GetAsync($"api/merges/{mergeId}"))).GetProperty("id").GetInt64());

        var undone = await OkJsonAsync(await api.Client.PostAsync($"api/merges/{mergeId}/undo", null));
        Assert.Equal(c.Persons[0], undone.GetProperty("restoredPersonId").GetGuid());
        Assert.Equal(1, undone.GetProperty("facesBack").GetInt32());
        Assert.Equal(c.Persons[0], await api.ScalarAsync<Guid>("SELECT person_id FROM faces WHERE id = @id", ("id", c.Faces[0])));
        Assert.Single(await api.AuditAsync("person.unmerge", c.Persons[0].ToString()));
        await Http.ExpectProblemAsync(await api.Client.PostAsync($"api/merges/{mergeId}/undo", null), HttpStatusCode.Conflict);

        await Http.ExpectProblemAsync(await api.Client.PostAsync("api/merges/999999/undo", null), HttpStatusCode.NotFound);
        await Http.ExpectProblemAsync(await api.Client.PostAsync($"api/persons/{pa}/merge", Http.JsonBody(new { targetId = pa })),
            HttpStatusCode.BadRequest);
        await Http.ExpectProblemAsync(await api.Client.PostAsync($"api/persons/{Guid.NewGuid()}/merge", Http.JsonBody(new { targetId = pa })),
            HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AFaceMovesToAPersonOrANewOneButNeverOntoAPersonHoldingAFaceOfTheSamePhoto()
    {
        var together = await api.FrameAsync(2);
        var conflict = await Http.ExpectProblemAsync(await api.Client.PostAsync($"api/faces/{together.Faces[0]}/move",
            Http.JsonBody(new { personId = together.Persons[1] })), HttpStatusCode.Conflict);
        Assert.Equal([together.Frame], conflict.GetProperty("sharedFrameIds").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Equal(together.Persons[0], await api.ScalarAsync<Guid>("SELECT person_id FROM faces WHERE id = @id", ("id", together.Faces[0])));

        var alone = await api.FrameAsync(1);
        var moved = await OkJsonAsync(await api.Client.PostAsync($"api/faces/{alone.Faces[0]}/move",
            Http.JsonBody(new { personId = together.Persons[1] })));
        Assert.Equal(together.Persons[1], moved.GetProperty("personId").GetGuid());
        Assert.Equal(2, await CountAsync("SELECT face_count::bigint FROM persons WHERE id = @id", together.Persons[1]));
        Assert.Equal(api.Actor, Assert.Single(await api.AuditAsync("person.move", together.Persons[1].ToString())).Actor);

        var split = await OkJsonAsync(await api.Client.PostAsync($"api/faces/{alone.Faces[0]}/move", Http.JsonBody(new { newPerson = true })));
        Assert.True(split.GetProperty("newPerson").GetBoolean());
        var newPerson = split.GetProperty("personId").GetGuid();
        Assert.Single(await api.AuditAsync("person.split", newPerson.ToString()));

        foreach (var bad in new object[] { new { }, new { personId = newPerson, newPerson = true } })
            await Http.ExpectProblemAsync(await api.Client.PostAsync($"api/faces/{alone.Faces[0]}/move", Http.JsonBody(bad)), HttpStatusCode.BadRequest);
        await Http.ExpectProblemAsync(await api.Client.PostAsync($"api/faces/{Guid.NewGuid()}/move", Http.JsonBody(new { newPerson = true })),
            HttpStatusCode.NotFound);
        await Http.ExpectProblemAsync(await api.Client.PostAsync($"api/faces/{alone.Faces[0]}/move", Http.JsonBody(new { personId = Guid.NewGuid() })),
            HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeleteSaysWhatHappensToTheFacesKeepLeavesThemUnassignedDeleteErasesThem()
    {
        var kept = await api.FrameAsync(1);
        var person = kept.Persons[0];
        await api.AddFaceAsync(person);
        foreach (var query in new[] { "", "?faces=maybe" })
        {
            var problem = await Http.ExpectProblemAsync(await api.Client.DeleteAsync($"api/persons/{person}{query}"), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("faces", out _));
        }
        var body = await OkJsonAsync(await api.Client.DeleteAsync($"api/persons/{person}?faces=keep"));
        Assert.Equal(2, body.GetProperty("faceCount").GetInt32());
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM persons WHERE id = @id", person));
        Assert.Equal("unassigned", await api.ScalarAsync<string>("SELECT identity_state FROM faces WHERE id = @id", ("id", kept.Faces[0])));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM emotions WHERE face_id = @id AND person_id IS NOT NULL", kept.Faces[0]));
        Assert.Contains("\"facesKept\": true", Assert.Single(await api.AuditAsync("person.delete", person.ToString())).Details);

        var erased = await api.FrameAsync(1);
        body = await OkJsonAsync(await api.Client.DeleteAsync($"api/persons/{erased.Persons[0]}?faces=delete"));
        Assert.Equal("delete", body.GetProperty("faces").GetString());
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM faces WHERE id = @id", erased.Faces[0]));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM emotions WHERE face_id = @id", erased.Faces[0]));
        await Http.ExpectProblemAsync(await api.Client.DeleteAsync($"api/persons/{erased.Persons[0]}?faces=delete"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheSharedClientEditsPersonsAndSurfacesTheCannotLinkRefusal()
    {
        var services = new ServiceCollection();
        services.AddFaceAspireApiClient(o => { o.BaseAddress = api.BaseAddress; o.ApiKey = api.ManageKey; });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<FaceAspireApiClient>();
        var together = await api.FrameAsync(2);
        var alone = await api.FrameAsync(1);

        Assert.Equal("Grace", (await client.PatchPersonAsync(alone.Persons[0], new PersonPatchRequest(Name: "Grace"))).Name);
        var refused = await Assert.ThrowsAsync<ApiProblemException>(() => client.MergePersonAsync(together.Persons[0], together.Persons[1]));
        Assert.Equal(409, refused.Status);
        var merge = await client.MergePersonAsync(alone.Persons[0], together.Persons[0]);
        Assert.Equal(1, (await client.UndoMergeAsync(merge.Id)).FacesBack);
        var moved = await client.MoveFaceAsync(alone.Faces[0], null);
        Assert.True(moved.NewPerson);
        Assert.Equal(1, (await client.DeletePersonAsync(moved.PersonId, keepFaces: true)).FaceCount);
    }

    [Fact]
    public async Task EachRouteNeedsItsScopeAKeyWithoutItGets403NamingTheScopeAndAnExpiredKey401()
    {
        var (_, _, persons) = await api.FrameAsync(1);
        using var ingest = api.NewClient(api.IngestKey);
        using var read = api.NewClient(api.ReadKey);
        using var manage = api.NewClient(api.ManageKey);
        using var expired = api.NewClient(api.ExpiredKey);

        var forbidden = await Http.ExpectProblemAsync(await PatchAsync(ingest, persons[0], new { name = "Eve" }), HttpStatusCode.Forbidden);
        Assert.Equal("manage", forbidden.GetProperty("requiredScope").GetString());
        Assert.Empty(await api.AuditAsync("person.rename", persons[0].ToString()));
        await Http.ExpectProblemAsync(await ingest.PostAsync($"api/faces/{Guid.NewGuid()}/move", Http.JsonBody(new { newPerson = true })), HttpStatusCode.Forbidden);
        await Http.ExpectProblemAsync(await ingest.DeleteAsync($"api/persons/{persons[0]}?faces=keep"), HttpStatusCode.Forbidden);
        await Http.ExpectProblemAsync(await ingest.PostAsync("api/merges/1/undo", null), HttpStatusCode.Forbidden);
        var noRead = await Http.ExpectProblemAsync(await ingest.GetAsync("api/persons"), HttpStatusCode.Forbidden);
        Assert.Equal("read", noRead.GetProperty("requiredScope").GetString());

        Assert.Equal(HttpStatusCode.OK, (await read.GetAsync($"api/persons/{persons[0]}")).StatusCode);
        var noIngest = await Http.ExpectProblemAsync(await read.PostAsync("api/frames", Http.Raw(Photos.Obama)), HttpStatusCode.Forbidden);
        Assert.Equal("ingest", noIngest.GetProperty("requiredScope").GetString());
        await Http.ExpectProblemAsync(await read.PostAsync("api/jobs/retention", null), HttpStatusCode.Forbidden);

        await OkJsonAsync(await PatchAsync(manage, persons[0], new { name = "Eve" }));
        Assert.Equal(HttpStatusCode.Forbidden, (await manage.GetAsync("api/faces")).StatusCode);

        var old = await Http.ExpectProblemAsync(await expired.GetAsync("api/persons"), HttpStatusCode.Unauthorized);
        Assert.Contains("expired", old.GetProperty("detail").GetString());
    }
}
