using System.Diagnostics;
using FaceAspire.Measurement.Diagnostics;

namespace FaceAspire.Bench.Tests;

public sealed class ProcessGroupCpuTests
{
    [Fact]
    public void CountsTheCpuOfTheProcessesInAGroupAndNoneOfTheOthers()
    {
        // A child shell that spins (about 0.5 s of CPU, no child processes of its own) once told to, then waits to
        // be told to exit: a process must still run when the window closes for its share to count.
        using var child = Process.Start(new ProcessStartInfo("sh", ["-c", "read _; i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; echo spun; read _"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            var window = new ProcessGroupCpu(["spinner", "nobody"], (pid, _) => pid == child.Id ? "spinner" : null);
            child.StandardInput.WriteLine();
            Assert.Equal("spun", child.StandardOutput.ReadLine());

            var elapsed = window.Elapsed();

            Assert.Equal(["spinner", "nobody"], elapsed.Select(g => g.Group));
            Assert.InRange(elapsed[0].Seconds, 0.1, 5);
            Assert.Equal(0, elapsed[1].Seconds);
        }
        finally
        {
            child.StandardInput.WriteLine();
            child.WaitForExit();
        }
    }

    [Fact]
    public void ThisProcessCpuGrowsByTheWorkItDoes()
    {
        var window = new ProcessGroupCpu(["self"], (pid, _) => pid == Environment.ProcessId ? "self" : null);
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        // Spin until the runtime counts 0.3 s of this process's CPU (wall time would vary with the machine's load).
        var x = 0UL;
        var spin = Stopwatch.StartNew();
        while ((Process.GetCurrentProcess().TotalProcessorTime - before).TotalSeconds < 0.3 && spin.Elapsed.TotalSeconds < 20)
        {
            for (var i = 0; i < 100_000; i++)
                x = x * 6364136223846793005UL + 1442695040888963407UL;
        }
        var byRuntime = (Process.GetCurrentProcess().TotalProcessorTime - before).TotalSeconds;

        var seconds = window.Elapsed().Single().Seconds;

        Assert.NotEqual(0UL, x | 1);
        Assert.True(byRuntime >= 0.3, $"spun only {byRuntime:F2} s of CPU in 20 s");
        // /proc counts in ticks of 10 ms per thread, and other threads of this process add a little.
        Assert.InRange(seconds, byRuntime - 0.05, byRuntime + 0.25);
    }

    [Fact]
    public void ServersAreNamedByCommand()
    {
        Assert.Equal("postgres", ProcessGroupCpu.Servers("postgres"));
        Assert.Equal("rabbitmq", ProcessGroupCpu.Servers("beam.smp"));
        Assert.Null(ProcessGroupCpu.Servers("dotnet"));
    }

    [Fact]
    public void StatReadsThisProcessAndNullForOneThatIsGone()
    {
        var self = ProcFs.Stat(Environment.ProcessId);
        Assert.NotNull(self);
        Assert.True(self.Value.CpuSeconds > 0);
        Assert.Null(ProcFs.Stat(int.MaxValue));
    }
}
