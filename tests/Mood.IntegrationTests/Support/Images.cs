using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FaceAspire.Testing;
using FaceAspire.Vision.Imaging;
using FaceAspire.Worker.IntegrationTests.Support;

namespace FaceAspire.Mood.IntegrationTests.Support;

/// <summary>Real photos from ../shared/data, images derived from them with Vision, and HTTP helpers.</summary>
public static class Images
{
    /// <summary>Bytes of a file under ../shared/data.</summary>
    public static byte[] Shared(string relative) => File.ReadAllBytes(SharedData.PathOf(relative));

    /// <summary>Obama smiling (face_recognition's obama.jpg).</summary>
    public static byte[] Obama => Shared("identities/face_recognition/obama.jpg");

    /// <summary>The biden training photos of knn_examples, sorted.</summary>
    public static List<string> BidenTrain => TestFrames.PhotosUnder(Path.Combine(TestFrames.KnnTrain, "biden"));

    /// <summary>A 320 × 240 grey JPEG: an image without any face.</summary>
    public static byte[] NoFace()
    {
        using var image = new RgbImage(320, 240, clear: true);
        image.Pixels.Fill(128);
        return JpegEncoder.Encode(image, 90);
    }

    /// <summary><paramref name="jpeg"/> scaled so its largest face is about <paramref name="faceSide"/> px, on a 640 × 480 grey canvas.</summary>
    public static byte[] WithFaceOf(byte[] jpeg, float faceSide)
    {
        using var image = TestFrames.Analyzer.Decoder.Decode(jpeg);
        var box = TestFrames.Analyzer.Detector.Detect(image).MaxBy(f => f.Box.Area)!.Box;
        var scale = faceSide / MathF.Max(box.W, box.H);
        using var small = ImageOps.Resize(image, Math.Max(1, (int)(image.Width * scale)), Math.Max(1, (int)(image.Height * scale)));
        using var canvas = ImageOps.Crop(small, -(640 - small.Width) / 2, -(480 - small.Height) / 2, 640, 480, 128);
        return JpegEncoder.Encode(canvas, 92);
    }

    /// <summary>The photo shrunk to 1/<paramref name="factor"/> and enlarged back: same face, blurrier (lower quality).</summary>
    public static byte[] Blurred(byte[] jpeg, int factor)
    {
        using var image = TestFrames.Analyzer.Decoder.Decode(jpeg);
        using var small = ImageOps.Resize(image, image.Width / factor, image.Height / factor);
        using var back = ImageOps.Resize(small, image.Width, image.Height);
        return JpegEncoder.Encode(back, 90);
    }

    /// <summary>A JSON request body.</summary>
    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    /// <summary>A data URL of a JPEG.</summary>
    public static string DataUrl(byte[] jpeg) => "data:image/jpeg;base64," + Convert.ToBase64String(jpeg);

    /// <summary>Multipart with a name (optional) and files.</summary>
    public static MultipartFormDataContent Form(string? name, params (string FileName, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        if (name is not null)
            form.Add(new StringContent(name), "name");
        foreach (var (fileName, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg");
            form.Add(part, "files", fileName);
        }
        return form;
    }

    /// <summary>Asserts the status and returns the parsed body.</summary>
    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
