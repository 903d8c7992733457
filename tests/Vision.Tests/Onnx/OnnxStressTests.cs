using System.Diagnostics;
using FaceAspire.Vision.Onnx;
using Xunit.Abstractions;

namespace FaceAspire.Vision.Tests.Onnx;

/// <summary>Process-wide memory is measured here, so nothing else may run alongside.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OrtMemoryCollection
{
    public const string Name = "ORT memory";
}

[Collection(OrtMemoryCollection.Name)]
public sealed class OnnxStressTests(ITestOutputHelper output)
{
    private const long Tolerance = 8L * 1024 * 1024;

    [Fact]
    public void TenThousandRunsKeepMemoryFlat()
    {
        using OnnxSession session = OrtLibrary.Sessions.Open(TestModels.Affine);
        // 1000 rows: each run makes 20 KB of outputs, so leaking them would cost ~200 MB over the loop.
        float[] x = Enumerable.Range(0, 3000).Select(i => (float)(i % 11)).ToArray();
        long[] shape = [1000, 3];
        float expectedFirst = TestModels.ExpectedAffine(x)[0];

        RunMany(session, x, shape, 500, expectedFirst);
        (long managedBefore, long workingBefore, long privateBefore) = Measure();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        RunMany(session, x, shape, 10_000, expectedFirst);
        long allocatedPerRun = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / 10_000;
        (long managedAfter, long workingAfter, long privateAfter) = Measure();

        output.WriteLine($"managed  {managedBefore,12:N0} -> {managedAfter,12:N0} bytes ({managedAfter - managedBefore:+#,0;-#,0;0})");
        output.WriteLine($"working  {workingBefore,12:N0} -> {workingAfter,12:N0} bytes ({workingAfter - workingBefore:+#,0;-#,0;0})");
        output.WriteLine($"private  {privateBefore,12:N0} -> {privateAfter,12:N0} bytes ({privateAfter - privateBefore:+#,0;-#,0;0})");
        output.WriteLine($"allocated {allocatedPerRun:N0} managed bytes per run (3 outputs)");
        Assert.InRange(allocatedPerRun, 0, 2048);
        Assert.InRange(managedAfter - managedBefore, long.MinValue, Tolerance);
        Assert.InRange(workingAfter - workingBefore, long.MinValue, Tolerance);
        Assert.InRange(privateAfter - privateBefore, long.MinValue, Tolerance);
    }

    [Fact]
    public void ConcurrentRunsOnOneSessionMatchSequentialRuns()
    {
        using OnnxSession session = OrtLibrary.Sessions.Open(TestModels.Affine);
        const int threads = 4, runsPerThread = 300, rows = 64;
        float[][] inputs = [.. Enumerable.Range(0, threads * runsPerThread).Select(MakeInput)];
        float[][] sequential = [.. inputs.Select(x => RunOnce(session, x))];

        var concurrent = new float[inputs.Length][];
        using var start = new Barrier(threads);
        Thread[] workers = [.. Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = t; i < inputs.Length; i += threads)
            {
                concurrent[i] = RunOnce(session, inputs[i]);
            }
        }))];
        foreach (Thread worker in workers)
        {
            worker.Start();
        }
        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(sequential[i], concurrent[i]);
            Assert.Equal(TestModels.ExpectedAffine(inputs[i]), concurrent[i]);
        }

        float[] MakeInput(int seed) => [.. Enumerable.Range(0, rows * 3).Select(i => (float)((i * 7 + seed) % 23) - 11)];
        float[] RunOnce(OnnxSession s, float[] x)
        {
            using OnnxOutputs result = s.Run(x, [rows, 3]);
            return result.Floats("Y").ToArray();
        }
    }

    private static void RunMany(OnnxSession session, float[] x, long[] shape, int count, float expectedFirst)
    {
        for (int i = 0; i < count; i++)
        {
            using OnnxOutputs outputs = session.Run(x, shape);
            if (outputs.Floats(0)[0] != expectedFirst)
            {
                Assert.Fail($"run {i} gave {outputs.Floats(0)[0]}, expected {expectedFirst}");
            }
        }
    }

    private static (long Managed, long WorkingSet, long Private) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long managed = GC.GetTotalMemory(forceFullCollection: true);
        using Process process = Process.GetCurrentProcess();
        return (managed, process.WorkingSet64, process.PrivateMemorySize64);
    }
}
