using System.Buffers.Binary;

namespace FaceAspire.Testing;

/// <summary>
/// A deterministic mutation fuzzer over real JPEG and PNG files: case <c>i</c> of seed <c>s</c> is always the same
/// bytes, so a failing case can be replayed from its number alone. Each case applies one to three of: random bit
/// flips, "interesting" byte values (0x00, 0xFF, 0x7F, 0x80, 0x01) at random places, a truncation, a PNG chunk-length
/// edit, a PNG IHDR dimension edit (CRC fixed, so the edit reaches the decoder), a JPEG SOFn dimension edit, a JPEG
/// marker-segment shuffle (swap, drop or duplicate a segment), inserted random bytes, or a splice with another seed
/// file. The edits aim at what decoders trust: lengths, sizes and segment order.
/// </summary>
public sealed class ImageMutator
{
    private static readonly byte[] Interesting = [0x00, 0xFF, 0x7F, 0x80, 0x01];
    private static readonly uint[] CrcTable = BuildCrcTable();
    private readonly IReadOnlyList<byte[]> _seeds;
    private readonly int _seed;

    /// <summary>A fuzzer over <paramref name="seeds"/> (whole files; at least one).</summary>
    /// <param name="seeds">Valid JPEG/PNG files the cases are derived from.</param>
    /// <param name="seed">The run's seed: the same seed and case number give the same bytes.</param>
    /// <exception cref="ArgumentException">No seed files.</exception>
    public ImageMutator(IReadOnlyList<byte[]> seeds, int seed)
    {
        if (seeds.Count == 0)
            throw new ArgumentException("At least one seed file is needed.", nameof(seeds));
        _seeds = seeds;
        _seed = seed;
    }

    /// <summary>Case <paramref name="index"/>: the mutated bytes and a short description of what was done.</summary>
    public (byte[] Data, string Description) Case(int index)
    {
        var random = new Random(HashCode.Combine(_seed, index));
        var source = _seeds[random.Next(_seeds.Count)];
        var data = (byte[])source.Clone();
        var steps = new List<string>();
        var count = 1 + random.Next(3);
        for (var i = 0; i < count; i++)
        {
            var (mutated, what) = Mutate(data, random);
            data = mutated;
            steps.Add(what);
        }
        return (data, string.Join(" + ", steps));
    }

    private (byte[], string) Mutate(byte[] data, Random random) => random.Next(10) switch
    {
        0 => BitFlips(data, random),
        1 => InterestingBytes(data, random),
        2 => Truncate(data, random),
        3 => PngChunkLength(data, random),
        4 => PngDimensions(data, random),
        5 => JpegDimensions(data, random),
        6 => JpegSegments(data, random),
        7 => Insert(data, random),
        8 => Splice(data, random),
        _ => BitFlips(data, random),
    };

    private static (byte[], string) BitFlips(byte[] data, Random random)
    {
        var flips = 1 + random.Next(16);
        for (var i = 0; i < flips && data.Length > 0; i++)
            data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
        return (data, $"{flips} bit flips");
    }

    private static (byte[], string) InterestingBytes(byte[] data, Random random)
    {
        var writes = 1 + random.Next(8);
        for (var i = 0; i < writes && data.Length > 0; i++)
            data[random.Next(data.Length)] = Interesting[random.Next(Interesting.Length)];
        return (data, $"{writes} interesting bytes");
    }

    private static (byte[], string) Truncate(byte[] data, Random random)
    {
        var length = data.Length == 0 ? 0 : random.Next(data.Length);
        return (data[..length], $"truncated to {length}");
    }

    private static (byte[], string) PngChunkLength(byte[] data, Random random)
    {
        var chunks = PngChunkOffsets(data);
        if (chunks.Count == 0)
            return BitFlips(data, random);
        var at = chunks[random.Next(chunks.Count)];
        uint[] lengths = [0, 1, 0x7FFFFFFF, 0xFFFFFFFF, (uint)data.Length, (uint)random.Next()];
        var length = lengths[random.Next(lengths.Length)];
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(at), length);
        return (data, $"PNG chunk at {at} length {length}");
    }

    private static (byte[], string) PngDimensions(byte[] data, Random random)
    {
        if (PngChunkOffsets(data) is not [var ihdr, ..] || ihdr + 8 + 13 + 4 > data.Length || !data.AsSpan(ihdr + 4, 4).SequenceEqual("IHDR"u8))
            return BitFlips(data, random);
        uint[] sizes = [0, 1, 65535, 65536, 0x7FFFFFFF, 0x80000000, (uint)random.Next(1, 100_000)];
        var (w, h) = (sizes[random.Next(sizes.Length)], sizes[random.Next(sizes.Length)]);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(ihdr + 8), w);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(ihdr + 12), h);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(ihdr + 8 + 13), Crc(data.AsSpan(ihdr + 4, 4 + 13)));
        return (data, $"PNG IHDR {w}x{h}");
    }

    private static (byte[], string) JpegDimensions(byte[] data, Random random)
    {
        var sof = SegmentsOf(data).FirstOrDefault(s => s.Marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC));
        if (sof.Length == 0 || sof.Offset + 4 + 5 > data.Length)
            return BitFlips(data, random);
        ushort[] sizes = [0, 1, 8, 16, 65535, (ushort)random.Next(1, 65536)];
        var (h, w) = (sizes[random.Next(sizes.Length)], sizes[random.Next(sizes.Length)]);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(sof.Offset + 5), h);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(sof.Offset + 7), w);
        return (data, $"JPEG SOF {w}x{h}");
    }

    private static (byte[], string) JpegSegments(byte[] data, Random random)
    {
        var segments = SegmentsOf(data).Where(s => s.Marker != 0xDA).ToList();
        if (segments.Count < 2)
            return BitFlips(data, random);
        var pieces = segments.Select(s => data[s.Offset..(s.Offset + s.Length)]).ToList();
        var head = data[..segments[0].Offset];
        var tail = data[(segments[^1].Offset + segments[^1].Length)..];
        var (a, b) = (random.Next(pieces.Count), random.Next(pieces.Count));
        string what;
        switch (random.Next(3))
        {
            case 0:
                (pieces[a], pieces[b]) = (pieces[b], pieces[a]);
                what = $"JPEG segments {a} and {b} swapped";
                break;
            case 1:
                pieces.RemoveAt(a);
                what = $"JPEG segment {a} dropped";
                break;
            default:
                pieces.Insert(b, pieces[a]);
                what = $"JPEG segment {a} duplicated at {b}";
                break;
        }
        return ([.. head, .. pieces.SelectMany(p => p), .. tail], what);
    }

    private static (byte[], string) Insert(byte[] data, Random random)
    {
        var at = random.Next(data.Length + 1);
        var bytes = new byte[1 + random.Next(64)];
        random.NextBytes(bytes);
        return ([.. data[..at], .. bytes, .. data[at..]], $"{bytes.Length} bytes inserted at {at}");
    }

    private (byte[], string) Splice(byte[] data, Random random)
    {
        var other = _seeds[random.Next(_seeds.Count)];
        var (cut, from) = (random.Next(data.Length + 1), random.Next(other.Length + 1));
        return ([.. data[..cut], .. other[from..]], $"spliced at {cut} with another file from {from}");
    }

    /// <summary>Offsets of the chunks' length fields (after the 8-byte signature), as far as they can be followed.</summary>
    private static List<int> PngChunkOffsets(byte[] data)
    {
        var offsets = new List<int>();
        if (data.Length < 8 || data[0] != 0x89 || data[1] != (byte)'P')
            return offsets;
        for (long at = 8; at + 12 <= data.Length && offsets.Count < 64;)
        {
            offsets.Add((int)at);
            at += 12L + BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan((int)at));
        }
        return offsets;
    }

    /// <summary>The marker segments from SOI up to the first SOS: (offset of the 0xFF, marker, length incl. marker).</summary>
    private static List<(int Offset, byte Marker, int Length)> SegmentsOf(byte[] data)
    {
        var segments = new List<(int, byte, int)>();
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
            return segments;
        for (var at = 2; at + 4 <= data.Length && data[at] == 0xFF;)
        {
            var marker = data[at + 1];
            var length = 2 + BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(at + 2));
            if (at + length > data.Length)
                break;
            segments.Add((at, marker, length));
            if (marker == 0xDA)
                break;
            at += length;
        }
        return segments;
    }

    private static uint Crc(ReadOnlySpan<byte> bytes)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in bytes)
            c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
