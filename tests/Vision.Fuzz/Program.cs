using System.Diagnostics;
using FaceAspire.Testing;
using FaceAspire.Vision.Imaging;

// Usage: FaceAspire.Vision.Fuzz SEED FIRST COUNT [OUT_DIR]
// For each case i in [FIRST, FIRST+COUNT) prints "B i" before decoding and "E i <outcome> <ms>" after, where the outcome
// is ok, or the typed error's class, or "UNEXPECTED <type>: <message>" for anything else. The parent reads the lines: a
// "B" without its "E" is the case that crashed or hung. With OUT_DIR, each case's bytes are written there first.
var (seed, first, count) = (int.Parse(args[0]), int.Parse(args[1]), int.Parse(args[2]));
var outDir = args.Length > 3 ? args[3] : null;
var mutator = new ImageMutator(FuzzSeeds.Load(), seed);
var decoder = new ImageDecoder();
for (var i = first; i < first + count; i++)
{
    var (data, description) = mutator.Case(i);
    if (outDir is not null)
        File.WriteAllBytes(Path.Combine(outDir, "current.bin"), data);
    Console.WriteLine($"B {i} {description}");
    var watch = Stopwatch.StartNew();
    string outcome;
    try
    {
        using (var image = decoder.Decode(data))
            outcome = $"ok {image.Width}x{image.Height}";
        using (decoder.DecodeForThumbnail(data, 300)) { }
    }
    catch (ImageDecodeException e)
    {
        outcome = e.GetType().Name;
    }
    catch (Exception e)
    {
        outcome = $"UNEXPECTED {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
    }
    Console.WriteLine($"E {i} {watch.ElapsedMilliseconds} {outcome}");
}
