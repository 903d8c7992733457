using System.CommandLine;
using System.Text.Json;
using FaceAspire.Cli.CommandLine;
using FaceAspire.Vision;
using FaceAspire.Vision.Emotion;
using FaceAspire.Vision.Imaging;
using Spectre.Console;

namespace FaceAspire.Cli.Commands;

/// <summary><c>analyze PATH... [--json] [--embeddings] [--emotion MODEL]</c>: one JSON line (or table rows) per image; errors do not stop the run.</summary>
public static class AnalyzeCommand
{
    /// <summary>The command, its arguments and options.</summary>
    public static Command Create()
    {
        var paths = CliOptions.ExistingPaths("PATH", "Image files, or folders walked recursively for .jpg, .jpeg, .png and .bmp", ArgumentArity.OneOrMore);
        var json = new Option<bool>("--json") { Description = "One JSON object per image per line (schema in the README) instead of a table" };
        var embeddings = new Option<bool>("--embeddings") { Description = "With --json: each face's 512-d embedding" };
        var emotion = Engine.EmotionOption();
        var command = new Command("analyze", "Faces, emotion, age and gender per image: a table, or JSON lines") { paths, json, embeddings, emotion };
        Engine.AddChecks(command, emotion);
        command.SetAction(r => Run(r.GetValue(paths)!, r.GetValue(json), r.GetValue(embeddings), r.GetValue(emotion)));
        return command;
    }

    /// <summary>Analyses every image; exit code 0 even when some files fail (each gets an error).</summary>
    public static int Run(IReadOnlyList<string> paths, bool json, bool embeddings, string? emotion)
    {
        using var analyzer = Engine.Create(emotion, intraOpThreads: 2);
        var request = new AnalysisRequest(Embeddings: embeddings);
        var table = json ? null : new Table().AddColumns("file", "size", "face", "box", "score", "quality", "emotion", "age", "gender");
        using var stdout = Console.OpenStandardOutput();
        foreach (var file in ImageFiles.Expand(paths))
        {
            ImageAnalysis? result = null;
            string? error = null;
            try { result = analyzer.Analyze(File.ReadAllBytes(file), request); }
            catch (Exception e) when (e is ImageDecodeException or IOException or UnauthorizedAccessException) { error = e.Message; }
            if (json)
            {
                WriteJson(stdout, file, result, error, embeddings);
                stdout.Flush();
            }
            else AddRows(table!, file, result, error);
        }
        if (table is not null) Terminal.Create().Write(table);
        return ExitCodes.Ok;
    }

    /// <summary>Writes one line: <c>{"file","width","height","faces":[…],"error"}</c> (schema in issue 2 and README).</summary>
    public static void WriteJson(Stream output, string file, ImageAnalysis? result, string? error, bool embeddings)
    {
        using (var w = new Utf8JsonWriter(output))
        {
            w.WriteStartObject();
            w.WriteString("file", file);
            if (result is null) { w.WriteNull("width"); w.WriteNull("height"); }
            else { w.WriteNumber("width", result.Width); w.WriteNumber("height", result.Height); }
            w.WriteStartArray("faces");
            foreach (var face in result?.Faces ?? [])
            {
                var d = face.Detection;
                w.WriteStartObject();
                w.WriteStartObject("box");
                w.WriteNumber("x", Math.Round(d.Box.X, 1)); w.WriteNumber("y", Math.Round(d.Box.Y, 1));
                w.WriteNumber("w", Math.Round(d.Box.W, 1)); w.WriteNumber("h", Math.Round(d.Box.H, 1));
                w.WriteEndObject();
                w.WriteNumber("score", Math.Round(d.Score, 4));
                w.WriteStartArray("landmarks");
                foreach (var p in d.Landmarks) { w.WriteStartArray(); w.WriteNumberValue(Math.Round(p.X, 1)); w.WriteNumberValue(Math.Round(p.Y, 1)); w.WriteEndArray(); }
                w.WriteEndArray();
                w.WriteNumber("quality", Math.Round(face.Quality, 4));
                if (face.Emotion is { } e)
                {
                    w.WriteStartObject("emotion");
                    w.WriteString("dominant", e.Dominant);
                    w.WriteNumber("confidence", Math.Round(e.Confidence, 4));
                    w.WriteStartObject("scores");
                    for (int i = 0; i < 7; i++) w.WriteNumber(EmotionResult.Labels[i], Math.Round(e.Probabilities[i], 4));
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                if (face.Age is { } age) w.WriteNumber("age", age); else w.WriteNull("age");
                if (face.Gender is { } g) w.WriteString("gender", g); else w.WriteNull("gender");
                if (embeddings && face.Embedding is { } emb)
                {
                    w.WriteStartArray("embedding");
                    foreach (var v in emb) w.WriteNumberValue(v);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (error is null) w.WriteNull("error"); else w.WriteString("error", error);
            w.WriteEndObject();
        }
        output.WriteByte((byte)'\n');
    }

    private static void AddRows(Table table, string file, ImageAnalysis? result, string? error)
    {
        var name = Markup.Escape(Path.GetFileName(file));
        if (result is null) { table.AddRow(name, "-", "-", $"[red]{Markup.Escape(error ?? "")}[/]", "", "", "", "", ""); return; }
        if (result.Faces.Count == 0) table.AddRow(name, $"{result.Width}×{result.Height}", "0", "no face", "", "", "", "", "");
        for (int i = 0; i < result.Faces.Count; i++)
        {
            var f = result.Faces[i];
            var b = f.Detection.Box;
            table.AddRow(i == 0 ? name : "", i == 0 ? $"{result.Width}×{result.Height}" : "", (i + 1).ToString(),
                $"{b.X:F0},{b.Y:F0} {b.W:F0}×{b.H:F0}", $"{f.Detection.Score:F2}", $"{f.Quality:F2}",
                f.Emotion is { } e ? $"{e.Dominant} {e.Confidence:P0}" : "-", f.Age?.ToString("F0") ?? "-", f.Gender ?? "-");
        }
    }
}
