using System.Net;
using System.Text.Json;
using FaceAspire.Mood.IntegrationTests.Support;
using FaceAspire.Worker.IntegrationTests.Support;

namespace FaceAspire.Mood.IntegrationTests;

/// <summary>Labelled enrolment, identify, covers and thumbnails through the real Api and workers.</summary>
public sealed class IdentifyTests(SystemFixture fx) : IClassFixture<SystemFixture>
{
    private static (string, byte[]) File(string path) => (Path.GetFileName(path), System.IO.File.ReadAllBytes(path));

    private async Task<Guid> EnrolAsync(string name, params (string, byte[])[] files)
    {
        var body = await Images.ExpectAsync(await fx.Client.PostAsync("api/persons", Images.Form(name, files)), HttpStatusCode.Created);
        Assert.Equal(files.Length, body.GetProperty("faceIds").GetArrayLength());
        return body.GetProperty("id").GetGuid();
    }

    private async Task<List<JsonElement>> IdentifyAsync(byte[] image)
    {
        var body = await Images.ExpectAsync(await fx.Client.PostAsync("api/identify", Images.Form(null, ("probe.jpg", image))), HttpStatusCode.OK);
        return [.. body.GetProperty("faces").EnumerateArray()];
    }

    [Fact]
    public async Task BidenIsEnrolledFromHisPhotosAndIdentifiedInATestPhotoWhileAStrangerIsUnknown()
    {
        var biden = await EnrolAsync("Joe Biden", [.. Images.BidenTrain.Select(File)]);
        Assert.Equal(Images.BidenTrain.Count, await fx.ScalarAsync<int>("SELECT face_count FROM persons WHERE id = @id", ("id", biden)));
        Assert.Equal("Joe Biden", await fx.ScalarAsync<string>("SELECT name FROM persons WHERE id = @id", ("id", biden)));

        var faces = await IdentifyAsync(System.IO.File.ReadAllBytes(TestFrames.KnnTest("obama_and_biden.jpg")));
        Assert.True(faces.Count >= 2);
        // Obama may be identified too (another test of this class ingests him as an unnamed person); Biden exactly once.
        var match = Assert.Single(faces, f => f.GetProperty("identity").GetString() == "identified"
                                              && f.GetProperty("person").GetProperty("personId").GetGuid() == biden);
        Assert.Equal(biden, match.GetProperty("person").GetProperty("personId").GetGuid());
        Assert.Equal(biden, match.GetProperty("candidates")[0].GetProperty("personId").GetGuid());
        Assert.Equal("Joe Biden", match.GetProperty("person").GetProperty("name").GetString());
        var similarity = match.GetProperty("person").GetProperty("similarity").GetDouble();
        var confidence = match.GetProperty("person").GetProperty("confidence").GetDouble();
        Assert.True(similarity >= 0.36 && confidence > 0.5, match.ToString());

        var stranger = Assert.Single(await IdentifyAsync(System.IO.File.ReadAllBytes(TestFrames.KnnTest("alex_lacamoire1.jpg"))));
        Assert.Equal("unknown", stranger.GetProperty("identity").GetString());
        Assert.Equal(JsonValueKind.Null, stranger.GetProperty("person").ValueKind);
        foreach (var c in stranger.GetProperty("candidates").EnumerateArray())
            Assert.True(c.GetProperty("similarity").GetDouble() < 0.36 && c.GetProperty("confidence").GetDouble() < 0.5, c.ToString());

        // Adding a face: the count goes up, the face is Biden's.
        var more = await Images.ExpectAsync(await fx.Client.PostAsync($"api/persons/{biden}/faces",
            Images.Form(null, ("biden-webcam.jpg", TestFrames.Webcam640(Images.Shared("identities/face_recognition/biden.jpg"), 3)!))), HttpStatusCode.Created);
        var added = more.GetProperty("faceIds")[0].GetGuid();
        Assert.Equal(biden, await fx.ScalarAsync<Guid>("SELECT person_id FROM faces WHERE id = @id", ("id", added)));
        Assert.Equal(Images.BidenTrain.Count + 1, await fx.ScalarAsync<int>("SELECT face_count FROM persons WHERE id = @id", ("id", biden)));
        await Images.ExpectAsync(await fx.Client.PostAsync($"api/persons/{Guid.NewGuid()}/faces",
            Images.Form(null, ("biden.jpg", Images.Obama))), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AGroupPhotoRejectsTheWholeEnrolmentNamingIt()
    {
        var persons = await fx.ScalarAsync<long>("SELECT count(*) FROM persons");
        var faces = await fx.ScalarAsync<long>("SELECT count(*) FROM faces");
        var body = await Images.ExpectAsync(await fx.Client.PostAsync("api/persons", Images.Form("Obama",
            ("obama.jpg", Images.Obama), ("obama_and_biden.jpg", System.IO.File.ReadAllBytes(TestFrames.KnnTest("obama_and_biden.jpg"))))),
            HttpStatusCode.UnprocessableEntity);
        Assert.Contains("obama_and_biden.jpg", body.GetProperty("detail").GetString());
        Assert.Equal("obama_and_biden.jpg", body.GetProperty("image").GetString());
        Assert.Equal(persons, await fx.ScalarAsync<long>("SELECT count(*) FROM persons"));
        Assert.Equal(faces, await fx.ScalarAsync<long>("SELECT count(*) FROM faces"));

        await Images.ExpectAsync(await fx.Client.PostAsync("api/persons", Images.Form(null, ("obama.jpg", Images.Obama))), HttpStatusCode.BadRequest);
        await Images.ExpectAsync(await fx.Client.PostAsync("api/persons", Images.Form("Nobody", ("grey.jpg", Images.NoFace()))), HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task ThePersonsCoverIsUpgradedWhenABetterFaceArrives()
    {
        var sharp = Images.Shared("identities/face_recognition/knn_examples/train/kit_harington/john1.jpeg");
        var blurred = Images.Blurred(sharp, 6);
        var person = await EnrolAsync("Kit", ("blurred.jpg", blurred));
        var first = await fx.ScalarAsync<Guid>("SELECT cover_face_id FROM persons WHERE id = @id", ("id", person));
        var firstQuality = await fx.ScalarAsync<float>("SELECT quality FROM faces WHERE id = @id", ("id", first));

        var body = await Images.ExpectAsync(await fx.Client.PostAsync($"api/persons/{person}/faces", Images.Form(null, ("sharp.jpg", sharp))), HttpStatusCode.Created);
        var sharpFace = body.GetProperty("faceIds")[0].GetGuid();
        var sharpQuality = await fx.ScalarAsync<float>("SELECT quality FROM faces WHERE id = @id", ("id", sharpFace));
        Assert.True(sharpQuality > firstQuality, $"the blurred copy scored {firstQuality}, the original {sharpQuality}");
        Assert.Equal(sharpFace, await fx.ScalarAsync<Guid>("SELECT cover_face_id FROM persons WHERE id = @id", ("id", person)));
        Assert.Equal(sharpQuality, await fx.ScalarAsync<float>("SELECT best_quality FROM persons WHERE id = @id", ("id", person)));

        // A worse face afterwards leaves the cover alone.
        await Images.ExpectAsync(await fx.Client.PostAsync($"api/persons/{person}/faces",
            Images.Form(null, ("blurred2.jpg", Images.Blurred(sharp, 5)))), HttpStatusCode.Created);
        Assert.Equal(sharpFace, await fx.ScalarAsync<Guid>("SELECT cover_face_id FROM persons WHERE id = @id", ("id", person)));
    }

    [Fact]
    public async Task EnrolmentNamesTheUnnamedPersonItMatchesAndRefusesToGiveItAnotherName()
    {
        // Obama first arrives from a camera: an unnamed person (or the unnamed Obama another test of this class made).
        var frame = await IngestAndSendAsync(TestFrames.Webcam640(Images.Shared("identities/face_recognition/obama-1080p.jpg"), 7)!);
        await fx.WaitSettledAsync([frame], TimeSpan.FromMinutes(1));
        var unnamed = await fx.ScalarAsync<Guid>("SELECT person_id FROM faces WHERE frame_id = @f", ("f", frame));
        Assert.Equal("", await fx.ScalarAsync<string>("SELECT coalesce(name, '') FROM persons WHERE id = @id", ("id", unnamed)));

        // Enrolling him names that person: no split, the photos join it, and identify answers the named person first.
        var named = await EnrolAsync("Barack Obama", ("obama2.jpg", Images.Shared("identities/face_recognition/obama2.jpg")));
        Assert.Equal(unnamed, named);
        Assert.Equal("Barack Obama", await fx.ScalarAsync<string>("SELECT name FROM persons WHERE id = @id", ("id", named)));
        var face = Assert.Single(await IdentifyAsync(Images.Shared("identities/face_recognition/obama-480p.jpg")));
        Assert.Equal(named, face.GetProperty("candidates")[0].GetProperty("personId").GetGuid());

        // The same face under another name: 409 naming both, nothing written.
        var persons = await fx.ScalarAsync<long>("SELECT count(*) FROM persons");
        var conflict = await Images.ExpectAsync(await fx.Client.PostAsync("api/persons",
            Images.Form("Someone Else", ("obama-240p.jpg", Images.Shared("identities/face_recognition/obama-240p.jpg")))), HttpStatusCode.Conflict);
        var detail = conflict.GetProperty("detail").GetString()!;
        Assert.Contains("Barack Obama", detail);
        Assert.Contains("Someone Else", detail);
        Assert.Equal(persons, await fx.ScalarAsync<long>("SELECT count(*) FROM persons"));
    }

    [Fact]
    public async Task EveryIngestedPhotoGetsA300PixelThumbnailMadeOnFirstRequest()
    {
        var photo = Images.Shared("identities/face_recognition/obama-720p.jpg");
        var frame = await IngestAndSendAsync(photo);
        await fx.WaitSettledAsync([frame], TimeSpan.FromMinutes(1));
        const string stored = "SELECT count(*) FROM frame_images WHERE frame_id = @f AND thumbnail IS NOT NULL";
        Assert.Equal(0L, await fx.ScalarAsync<long>(stored, ("f", frame))); // the pipeline does not pay for it
        var response = await fx.Client.GetAsync($"api/frames/{frame}/thumbnail");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(1L, await fx.ScalarAsync<long>(stored, ("f", frame)));
        Assert.Equal(bytes, await (await fx.Client.GetAsync($"api/frames/{frame}/thumbnail")).Content.ReadAsByteArrayAsync());
        using var thumb = TestFrames.Analyzer.Decoder.Decode(bytes);
        using var original = TestFrames.Analyzer.Decoder.Decode(photo);
        Assert.Equal(300, Math.Max(thumb.Width, thumb.Height));
        Assert.Equal((double)original.Width / original.Height, (double)thumb.Width / thumb.Height, 1);
        await Images.ExpectAsync(await fx.Client.GetAsync($"api/frames/{Guid.NewGuid()}/thumbnail"), HttpStatusCode.NotFound);
    }

    private async Task<Guid> IngestAndSendAsync(byte[] photo)
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(photo);
        part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
        form.Add(part, "file", "photo.jpg");
        var accepted = await Images.ExpectAsync(await fx.Client.PostAsync("api/frames", form), HttpStatusCode.Accepted);
        return accepted[0].GetProperty("id").GetGuid();
    }
}
