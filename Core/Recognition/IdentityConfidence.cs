namespace FaceAspire.Core.Recognition;

/// <summary>
/// Turns a cosine similarity between two fr_feature embeddings into a calibrated probability that they show the
/// same person: Platt scaling, p = 1 / (1 + exp(−(<see cref="Slope"/>·s + <see cref="Intercept"/>))), fitted by
/// <see cref="Fit"/> (maximum likelihood, Newton's method) on the 4,801 labelled pairs of ../shared/data/identities
/// (face_recognition knn train, lfw12, deepface master.csv; printed by <c>Cli calibrate-identity</c>; see
/// docs/mood-api.md). Faces under the match threshold (0.36) are reported as unknown whatever the probability.
/// </summary>
/// <param name="Slope">Logistic slope a (per unit of cosine similarity).</param>
/// <param name="Intercept">Logistic intercept b.</param>
public sealed record IdentityConfidence(double Slope, double Intercept)
{
    /// <summary>The fit on the shared identity pairs (4,801 pairs, 371 same; fitted slope 38.53, intercept −13.81, rounded;
    /// p(0.30) = 0.10, p(0.36) = 0.52, p(0.45) = 0.97), ONNX Runtime 1.32.0 CPU, fr_feature with flip averaging
    /// (docs/identity-threshold.md); re-checked by CalibrationTests.</summary>
    public static IdentityConfidence Default { get; } = new(DefaultSlope, DefaultIntercept);

    /// <summary>Fitted slope, see <see cref="Default"/>.</summary>
    public const double DefaultSlope = 38.5;

    /// <summary>Fitted intercept, see <see cref="Default"/>.</summary>
    public const double DefaultIntercept = -13.8;

    /// <summary>Probability in [0, 1] that a pair with cosine similarity <paramref name="similarity"/> is the same person.</summary>
    public double Confidence(double similarity) => 1.0 / (1.0 + Math.Exp(-(Slope * similarity + Intercept)));

    /// <summary>
    /// Fits slope and intercept by maximum likelihood (Newton–Raphson on the log-loss, at most 100 iterations, a
    /// tiny L2 term of 1e-6 so separable data still converges to finite values).
    /// </summary>
    /// <param name="pairs">Similarity in [-1, 1] and whether the pair is the same person; needs both classes.</param>
    /// <exception cref="ArgumentException">Fewer than two pairs or only one class.</exception>
    public static IdentityConfidence Fit(IReadOnlyList<(float Similarity, bool Same)> pairs)
    {
        if (pairs.Count < 2 || pairs.All(p => p.Same) || pairs.All(p => !p.Same))
            throw new ArgumentException("Need pairs of both classes.", nameof(pairs));
        double a = 1, b = 0;
        for (var iteration = 0; iteration < 100; iteration++)
        {
            // Gradient g and Hessian H of the mean negative log-likelihood (+ 1e-6·(a²+b²)/2).
            double ga = 1e-6 * a, gb = 1e-6 * b, haa = 1e-6, hab = 0, hbb = 1e-6;
            foreach (var (s, same) in pairs)
            {
                var p = 1.0 / (1.0 + Math.Exp(-(a * s + b)));
                var r = p - (same ? 1 : 0);
                var w = p * (1 - p);
                ga += r * s / pairs.Count;
                gb += r / pairs.Count;
                haa += w * s * s / pairs.Count;
                hab += w * s / pairs.Count;
                hbb += w / pairs.Count;
            }
            var det = haa * hbb - hab * hab;
            var da = (hbb * ga - hab * gb) / det;
            var db = (haa * gb - hab * ga) / det;
            a -= da;
            b -= db;
            if (Math.Abs(da) + Math.Abs(db) < 1e-9)
                break;
        }
        return new IdentityConfidence(a, b);
    }
}
