using Microsoft.Extensions.DependencyInjection;
using FaceAspire.Core.Identity;
using FaceAspire.Core.Data;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>GET endpoints over rows written through Core: status, filters, paging, CSV, 404s and 400s.</summary>
public sealed class QueryTests(QueryFixture api) : IClassFixture<QueryFixture>
{
    private async Task<JsonElement> GetJsonAsync(string url)
    {
        var response = await api.Client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static List<Guid> Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid())];

    [Fact]
    public async Task ADoneFrameShowsItsFacesWithPersonEmotionAgeAndGenderInDetectionOrder()
    {
        var frame = await GetJsonAsync($"api/frames/{api.TwoFaceFrame}");
        Assert.Equal("done", frame.GetProperty("status").GetString());
        Assert.Equal(640, frame.GetProperty("width").GetInt32());
        Assert.Equal(QueryFixture.Lobby, frame.GetProperty("source").GetString());
        var faces = frame.GetProperty("faces").EnumerateArray().ToList();
        Assert.Equal(2, faces.Count);
        Assert.Equal(api.PersonA, faces[0].GetProperty("personId").GetGuid());
        Assert.Equal(api.PersonB, faces[1].GetProperty("personId").GetGuid());
        Assert.Equal(300f, faces[1].GetProperty("box").GetProperty("x").GetSingle());
        var emotion = faces[1].GetProperty("emotion");
        Assert.Equal("happy", emotion.GetProperty("dominant").GetString());
        Assert.Equal(0.7f, emotion.GetProperty("confidence").GetSingle());
        Assert.Equal(7, emotion.GetProperty("scores").EnumerateObject().Count());
        Assert.Equal(0.7f, emotion.GetProperty("scores").GetProperty("happy").GetSingle());
        Assert.Equal(45f, faces[1].GetProperty("age").GetSingle());
        Assert.Equal("male", faces[1].GetProperty("gender").GetString());
    }

    [Fact]
    public async Task QueuedAndFailedFramesReportTheirStatusAndUnknownIdsAre404()
    {
        var queued = await GetJsonAsync($"api/frames/{api.QueuedFrame}");
        Assert.Equal("queued", queued.GetProperty("status").GetString());
        Assert.Empty(queued.GetProperty("faces").EnumerateArray());
        var failed = await GetJsonAsync($"api/frames/{api.FailedFrame}");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("image could not be decoded", failed.GetProperty("error").GetString());
        foreach (var url in new[] { $"api/frames/{Guid.NewGuid()}", $"api/persons/{Guid.NewGuid()}", $"api/faces/{Guid.NewGuid()}/crop" })
            await Http.ExpectProblemAsync(await api.Client.GetAsync(url), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task FacesFilterByPersonSourceEmotionAndTimeAndPage()
    {
        Assert.Equal(6, (await GetJsonAsync("api/faces")).GetProperty("total").GetInt32());
        Assert.Equal(3, (await GetJsonAsync($"api/faces?person={api.PersonA}")).GetProperty("total").GetInt32());
        Assert.Equal(3, (await GetJsonAsync($"api/faces?source={Uri.EscapeDataString(QueryFixture.Lobby)}")).GetProperty("total").GetInt32());
        Assert.Equal(3, (await GetJsonAsync("api/faces?emotion=happy")).GetProperty("total").GetInt32());
        Assert.Equal(2, (await GetJsonAsync($"api/faces?emotion=happy&person={api.PersonB}")).GetProperty("total").GetInt32());
        var range = await GetJsonAsync("api/faces?from=2024-01-02T00:00:00Z&to=2024-01-04T00:00:00Z");
        Assert.Equal(3, range.GetProperty("total").GetInt32()); // day 2 (1 face) + day 3 (2 faces); 'to' is exclusive
        var unixMs = await GetJsonAsync($"api/faces?from={QueryFixture.Day(5).ToUnixTimeMilliseconds()}");
        Assert.Equal(1, unixMs.GetProperty("total").GetInt32());

        var response = await api.Client.GetAsync("api/faces?page=2&pageSize=4");
        Assert.Equal("6", response.Headers.GetValues("X-Total-Count").Single());
        var page2 = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(2, page2.GetProperty("items").GetArrayLength());
        var all = Ids(await GetJsonAsync("api/faces?pageSize=6"));
        Assert.Equal(all[4..], Ids(page2));
        // Newest first.
        var times = (await GetJsonAsync("api/faces")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("capturedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
    }

    [Fact]
    public async Task PersonsListAndDetailCarryTheirFaces()
    {
        var persons = await GetJsonAsync("api/persons");
        Assert.Equal(2, persons.GetProperty("total").GetInt32());
        Assert.Equal(api.PersonB, Ids(persons)[0]); // seen last (day 5)
        Assert.Equal([api.PersonB], Ids(await GetJsonAsync("api/persons?source=cam-2")));
        Assert.Equal([api.PersonA], Ids(await GetJsonAsync("api/persons?emotion=sad")));
        var detail = await GetJsonAsync($"api/persons/{api.PersonA}");
        Assert.Equal(3, detail.GetProperty("person").GetProperty("faceCount").GetInt32());
        Assert.Equal(3, detail.GetProperty("faces").GetProperty("total").GetInt32());
        Assert.All(detail.GetProperty("faces").GetProperty("items").EnumerateArray(),
            f => Assert.Equal(api.PersonA, f.GetProperty("personId").GetGuid()));
    }

    [Fact]
    public async Task EmotionsFilterAndExportAsEscapedCsv()
    {
        var happy = await GetJsonAsync("api/emotions?emotion=happy");
        Assert.Equal(3, happy.GetProperty("total").GetInt32());
        Assert.All(happy.GetProperty("items").EnumerateArray(), e => Assert.Equal("happy", e.GetProperty("emotion").GetProperty("dominant").GetString()));
        Assert.Equal(1, (await GetJsonAsync($"api/emotions?person={api.PersonA}&source=cam-1&emotion=sad")).GetProperty("total").GetInt32());

        var request = new HttpRequestMessage(HttpMethod.Get, $"api/emotions?source={Uri.EscapeDataString(QueryFixture.Lobby)}");
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var response = await api.Client.SendAsync(request);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("3", response.Headers.GetValues("X-Total-Count").Single());
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("id,face_id,person_id,frame_id,source,captured_at,emotion,confidence,", lines[0]);
        Assert.All(lines[1..], l => Assert.Contains(",\"lobby, \"\"north\"\"\",2024-01-0", l));
        Assert.Contains(",happy,0.7,", lines[1]);
    }

    [Fact]
    public async Task BadFiltersAre400ValidationProblemsNamingTheParameter()
    {
        var body = await Http.ExpectProblemAsync(
            await api.Client.GetAsync("api/emotions?emotion=bored&person=nobody&from=soon&pageSize=100000&page=0"), HttpStatusCode.BadRequest);
        var errors = body.GetProperty("errors");
        foreach (var name in new[] { "emotion", "person", "from", "pageSize", "page" })
            Assert.True(errors.TryGetProperty(name, out _), $"no error for {name}: {body}");
        var reversed = await Http.ExpectProblemAsync(await api.Client.GetAsync("api/faces?from=2024-02-01&to=2024-01-01"), HttpStatusCode.BadRequest);
        Assert.True(reversed.GetProperty("errors").TryGetProperty("to", out _));
        await Http.ExpectProblemAsync(await api.Client.GetAsync("api/persons?includeHidden=maybe"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AFaceCropIsServedAsJpeg()
    {
        var face = (await GetJsonAsync($"api/faces?person={api.PersonB}&pageSize=1")).GetProperty("items")[0];
        var response = await api.Client.GetAsync(face.GetProperty("cropUrl").GetString()!.TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(api.Crop, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task EveryReadOfAPersonOrAnExportWritesOneAuditRowWithWhoWhatAndHowMany()
    {
        async Task<long> AuditRowsAsync(string action, Guid person) =>
            await api.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = @a AND subject = @s", ("a", action), ("s", person.ToString()));

        var before = await AuditRowsAsync("read.person", api.PersonA);
        var person = await GetJsonAsync($"api/persons/{api.PersonA}?pageSize=2");
        Assert.Equal(before + 1, await AuditRowsAsync("read.person", api.PersonA));
        var row = await api.ScalarAsync<string>(
            "SELECT actor || ' ' || (details->>'rows') || ' ' || (details->>'route') FROM audit_log WHERE action = 'read.person' AND subject = @s ORDER BY id DESC LIMIT 1",
            ("s", api.PersonA.ToString()));
        var faces = person.GetProperty("faces").GetProperty("items").GetArrayLength();
        Assert.Equal($"api-key:{api.ApiKey[..Core.Data.Entities.ApiKey.PrefixLength]} {faces} GET /api/persons/{{id:guid}}", row);

        // A CSV export: one row for the whole export, with its row count; never a row per exported line.
        var csvBefore = await AuditRowsAsync("read.emotions.csv", api.PersonB);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/emotions?person={api.PersonB}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var csv = await (await api.Client.SendAsync(request)).Content.ReadAsStringAsync();
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length - 1;
        Assert.True(lines > 0, csv);
        Assert.Equal(csvBefore + 1, await AuditRowsAsync("read.emotions.csv", api.PersonB));
        Assert.Equal(lines.ToString(System.Globalization.CultureInfo.InvariantCulture), await api.ScalarAsync<string>(
            "SELECT details->>'rows' FROM audit_log WHERE action = 'read.emotions.csv' AND subject = @s ORDER BY id DESC LIMIT 1", ("s", api.PersonB.ToString())));

        // Nothing served, nothing audited.
        var unknown = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.GetAsync($"api/persons/{unknown}")).StatusCode);
        Assert.Equal(0L, await AuditRowsAsync("read.person", unknown));
    }

    [Fact]
    public async Task ForgettingAPersonErasesItAndItsLonePhotosAndAnUnknownIdIs404()
    {
        // A third person on a photo of its own, so the fixture's persons stay as the other tests expect them.
        var accepted = await api.App.Services.GetRequiredService<FrameIngest>()
            .AcceptAsync(Photos.Variant(Photos.Obama, "forget me"), "image/jpeg", "cam-9", QueryFixture.Day(8), null);
        var face = Embeddings.Face(Embeddings.RandomUnit(new Random(7)), "sad", 40, 50, "male", api.Crop);
        await api.App.Services.GetRequiredService<FrameWriter>().WriteAsync(accepted.FrameId, 640, 480, "fr_feature@test", [face]);
        var person = await api.ScalarAsync<Guid>("SELECT person_id FROM faces WHERE frame_id = @f", ("f", accepted.FrameId));

        var response = await api.Client.PostAsync($"api/persons/{person}/forget", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var counts = JsonDocument.Parse(body).RootElement;
        Assert.Equal((1, 1, 1, 0), (counts.GetProperty("faces").GetInt32(), counts.GetProperty("emotionRows").GetInt32(),
            counts.GetProperty("framesDeleted").GetInt32(), counts.GetProperty("framesKept").GetInt32()));
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.GetAsync($"api/persons/{person}")).StatusCode);
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM frames WHERE id = @f", ("f", accepted.FrameId)));
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'person.forget' AND subject = @s", ("s", person.ToString())));

        var again = await api.Client.PostAsync($"api/persons/{person}/forget", null);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
    }
}
