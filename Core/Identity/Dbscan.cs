namespace FaceAspire.Core.Identity;

/// <summary>DBSCAN (Ester, Kriegel, Sander, Xu: "A density-based algorithm for discovering clusters in large spatial
/// databases with noise", KDD 1996) over precomputed eps-neighbourhoods.</summary>
public static class Dbscan
{
    /// <summary>
    /// DBSCAN labels from precomputed eps-neighbourhoods: cluster index ≥ 0, or -1 for noise. A point is core when
    /// its neighbourhood (itself included) has at least <paramref name="minPoints"/> points; clusters grow from core
    /// points and take in the border points they reach.
    /// </summary>
    public static int[] Labels(IReadOnlyList<List<int>> neighbours, int minPoints)
    {
        var label = Enumerable.Repeat(-2, neighbours.Count).ToArray(); // -2 unvisited, -1 noise
        var next = 0;
        for (var p = 0; p < neighbours.Count; p++)
        {
            if (label[p] != -2)
                continue;
            if (neighbours[p].Count < minPoints)
            {
                label[p] = -1;
                continue;
            }
            var c = next++;
            label[p] = c;
            var queue = new Queue<int>(neighbours[p]);
            while (queue.TryDequeue(out var q))
            {
                if (label[q] == -1)
                    label[q] = c; // border point
                if (label[q] != -2)
                    continue;
                label[q] = c;
                if (neighbours[q].Count >= minPoints)
                    foreach (var r in neighbours[q])
                        queue.Enqueue(r);
            }
        }
        return label;
    }
}
