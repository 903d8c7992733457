using System.Buffers;
using FaceAspire.Vision.Imaging;
using FaceAspire.Vision.Onnx;

namespace FaceAspire.Vision.Detection;

/// <summary>
/// YuNet face detector (Wu et al., "YuNet: A Tiny Millisecond-level Face Detector", Machine Intelligence Research
/// 2023; weights from ShiqiYu/libfacedetection.train, onnx/yunet_n_dynamic.onnx). Input: float32 [1, 3, H, W] BGR
/// 0–255 with H, W multiples of 32; outputs per stride s ∈ {8, 16, 32}: cls_s, obj_s [1, n, 1], bbox_s [1, n, 4],
/// kps_s [1, n, 10] with n = (H/s)·(W/s). Decoding follows OpenCV's FaceDetectorYN (modules/objdetect/src/face_detect.cpp):
/// score = √(clamp(cls)·clamp(obj)), centre = (col + dx, row + dy)·s, size = exp(dw, dh)·s, landmark = (col + kx, row + ky)·s.
/// </summary>
public sealed class YuNetDetector(OnnxSession session, DetectionOptions options) : IFaceDetector
{
    private static readonly int[] Strides = [8, 16, 32];

    /// <inheritdoc />
    public IReadOnlyList<DetectedFace> Detect(RgbImage image)
    {
        var faces = DetectOnce(image, 0);
        if (faces.Count == 0 && options.TightCropPadding > 0)
        {
            int pad = (int)(MathF.Max(image.Width, image.Height) * options.TightCropPadding);
            faces = DetectOnce(image, pad);
        }
        return faces;
    }

    private List<DetectedFace> DetectOnce(RgbImage image, int pad)
    {
        int fullW = image.Width + 2 * pad, fullH = image.Height + 2 * pad;
        float scale = MathF.Min(1f, (float)options.MaxSide / Math.Max(fullW, fullH));
        int inW = Math.Max(32, (int)MathF.Round(fullW * scale)), inH = Math.Max(32, (int)MathF.Round(fullH * scale));
        int padW = (inW + 31) / 32 * 32, padH = (inH + 31) / 32 * 32;
        int length = 3 * padW * padH;
        float[] input = ArrayPool<float>.Shared.Rent(length);
        try
        {
            FillInput(image, pad, scale, inW, inH, padW, padH, input.AsSpan(0, length));
            using var outputs = session.Run(input.AsSpan(0, length), [1, 3, padH, padW]);
            var candidates = Decode(outputs, padW, padH, scale, pad, image.Width, image.Height);
            return NonMaximumSuppression(candidates, options.NmsThreshold);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }
    }

    // Writes the (padded, scaled) image as planar BGR floats into a zeroed padW × padH canvas.
    private static void FillInput(RgbImage image, int pad, float scale, int inW, int inH, int padW, int padH, Span<float> input)
    {
        input.Clear();
        RgbImage? resized = null;
        try
        {
            var src = image;
            int ox = (int)MathF.Round(pad * scale), oy = (int)MathF.Round(pad * scale);
            int w = inW - 2 * ox, h = inH - 2 * oy;
            if (w != image.Width || h != image.Height) src = resized = ImageOps.Resize(image, Math.Max(1, w), Math.Max(1, h));
            int plane = padW * padH;
            for (int y = 0; y < src.Height && y + oy < padH; y++)
            {
                ReadOnlySpan<byte> row = src.Row(y);
                int baseIndex = (y + oy) * padW + ox;
                int width = Math.Min(src.Width, padW - ox);
                for (int x = 0, s = 0; x < width; x++, s += 3)
                {
                    input[baseIndex + x] = row[s + 2];
                    input[plane + baseIndex + x] = row[s + 1];
                    input[2 * plane + baseIndex + x] = row[s];
                }
            }
        }
        finally
        {
            resized?.Dispose();
        }
    }

    private List<DetectedFace> Decode(OnnxOutputs outputs, int padW, int padH, float scale, int pad, int imageW, int imageH)
    {
        var faces = new List<DetectedFace>();
        foreach (int stride in Strides)
        {
            ReadOnlySpan<float> cls = outputs.Floats($"cls_{stride}"), obj = outputs.Floats($"obj_{stride}");
            ReadOnlySpan<float> bbox = outputs.Floats($"bbox_{stride}"), kps = outputs.Floats($"kps_{stride}");
            int cols = padW / stride, rows = padH / stride;
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    int i = r * cols + c;
                    float score = MathF.Sqrt(Math.Clamp(cls[i], 0f, 1f) * Math.Clamp(obj[i], 0f, 1f));
                    if (score < options.ScoreThreshold) continue;
                    float cx = (c + bbox[i * 4]) * stride, cy = (r + bbox[i * 4 + 1]) * stride;
                    float w = MathF.Exp(bbox[i * 4 + 2]) * stride, h = MathF.Exp(bbox[i * 4 + 3]) * stride;
                    // Back to original pixels: undo the scale, then the padding; clip to the image.
                    float x1 = (cx - w / 2) / scale - pad, y1 = (cy - h / 2) / scale - pad;
                    float x2 = (cx + w / 2) / scale - pad, y2 = (cy + h / 2) / scale - pad;
                    x1 = Math.Clamp(x1, 0, imageW); y1 = Math.Clamp(y1, 0, imageH);
                    x2 = Math.Clamp(x2, 0, imageW); y2 = Math.Clamp(y2, 0, imageH);
                    if (MathF.Min(x2 - x1, y2 - y1) < options.MinFaceSize) continue;
                    var landmarks = new Point2[5];
                    for (int k = 0; k < 5; k++)
                        landmarks[k] = new((((kps[i * 10 + 2 * k] + c) * stride) / scale) - pad, (((kps[i * 10 + 2 * k + 1] + r) * stride) / scale) - pad);
                    faces.Add(new DetectedFace(new Box(x1, y1, x2 - x1, y2 - y1), landmarks, score));
                }
            }
        }
        return faces;
    }

    /// <summary>Greedy non-maximum suppression: keeps the best-scoring box and drops boxes overlapping it by more than <paramref name="iouThreshold"/>.</summary>
    public static List<DetectedFace> NonMaximumSuppression(List<DetectedFace> faces, float iouThreshold)
    {
        faces.Sort((a, b) => b.Score.CompareTo(a.Score));
        var kept = new List<DetectedFace>();
        foreach (var face in faces)
        {
            bool overlaps = false;
            foreach (var k in kept)
                if (k.Box.IoU(face.Box) > iouThreshold) { overlaps = true; break; }
            if (!overlaps) kept.Add(face);
        }
        return kept;
    }
}
