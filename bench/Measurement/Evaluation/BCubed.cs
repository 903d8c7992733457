namespace FaceAspire.Measurement.Evaluation;

/// <summary>
/// BCubed precision and recall of a clustering against gold labels (Bagga &amp; Baldwin, 1998; Amigó et al., "A
/// comparison of extrinsic clustering evaluation metrics", Information Retrieval 12, 2009). For each item i with
/// cluster C(i) and label L(i): precision(i) = |{j ∈ C(i) : L(j) = L(i)}| / |C(i)| and recall(i) = |{j ∈ C(i) : L(j) =
/// L(i)}| / |{j : L(j) = L(i)}| (j ranges over the evaluated items, i included); both are averaged over the items.
/// Unlike pair counting, BCubed penalises one big wrong cluster as much as many small ones, item by item.
/// </summary>
public static class BCubed
{
    /// <summary>Precision and recall in [0, 1] (1 for an empty input).</summary>
    /// <param name="items">One entry per evaluated item: its cluster id (an item without a cluster gets a unique id
    /// of its own: a singleton) and its gold label.</param>
    public static (double Precision, double Recall) Compute(IReadOnlyList<(string Cluster, string Label)> items)
    {
        if (items.Count == 0)
            return (1, 1);
        var clusterSize = items.GroupBy(i => i.Cluster).ToDictionary(g => g.Key, g => g.Count());
        var labelSize = items.GroupBy(i => i.Label).ToDictionary(g => g.Key, g => g.Count());
        var both = items.GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        double precision = 0, recall = 0;
        foreach (var item in items)
        {
            precision += (double)both[item] / clusterSize[item.Cluster];
            recall += (double)both[item] / labelSize[item.Label];
        }
        return (precision / items.Count, recall / items.Count);
    }
}
