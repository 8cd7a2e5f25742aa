using SslAnomaly.Util;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SslAnomaly.Tests.Support;

/// <summary>
/// A real single-node Slurm (Debian slurm-wlm 22.05) on localhost for integration tests: config, state
/// and logs in a temp folder, auth/none, free ports, daemons started as children and stopped on dispose.
/// Needs no system changes; environment/setup-test-tools.sh installs slurm-wlm. When the tools are
/// missing the constructor throws with the package name, so the test fails loudly rather than passing.
/// </summary>
public sealed class LocalSlurmCluster : IDisposable
{
    readonly TempDir dir = new();
    readonly List<Process> daemons = new();

    public string ConfigPath => dir.File("slurm.conf");
    public IDictionary<string, string> Environment => new Dictionary<string, string> { ["SLURM_CONF"] = ConfigPath };

    public LocalSlurmCluster()
    {
        foreach (var tool in new[] { "slurmctld", "slurmd", "sbatch", "sinfo", "squeue", "scontrol" })
            if (Which(tool) is null)
                throw new InvalidOperationException($"Slurm tool '{tool}' is missing: run environment/setup-test-tools.sh (apt-get install slurm-wlm) to run this test.");
        int ctldPort = FreePort(), slurmdPort = FreePort();
        long memoryMb = Math.Max(1024, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024) / 2);
        Directory.CreateDirectory(dir.File("state"));
        Directory.CreateDirectory(dir.File("spool"));
        File.WriteAllText(ConfigPath, $"""
            ClusterName=ssltest
            SlurmctldHost=localhost
            SlurmUser={System.Environment.UserName}
            SlurmdUser={System.Environment.UserName}
            AuthType=auth/none
            CredType=cred/none
            MpiDefault=none
            MailProg=/bin/true
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_CPU
            JobCompType=jobcomp/none
            AccountingStorageType=accounting_storage/none
            ReturnToService=2
            SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
            SlurmctldPort={ctldPort}
            SlurmdPort={slurmdPort}
            StateSaveLocation={dir.File("state")}
            SlurmdSpoolDir={dir.File("spool")}
            SlurmctldPidFile={dir.File("slurmctld.pid")}
            SlurmdPidFile={dir.File("slurmd.pid")}
            SlurmctldLogFile={dir.File("slurmctld.log")}
            SlurmdLogFile={dir.File("slurmd.log")}
            NodeName=localhost NodeAddr=127.0.0.1 CPUs={System.Environment.ProcessorCount} RealMemory={memoryMb} State=UNKNOWN
            PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
            """);
        daemons.Add(StartDaemon("slurmctld", "-D"));
        daemons.Add(StartDaemon("slurmd", "-D", "-N", "localhost"));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Run("sinfo", "-h", "-N", "-o", "%t").Trim() != "idle")
        {
            if (daemons.Any(d => d.HasExited))
                throw new InvalidOperationException($"a Slurm daemon exited at start-up:\n{Logs()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the local Slurm node did not become idle:\n{Logs()}");
            Thread.Sleep(250);
        }
    }

    /// <summary>Waits until the job has left the queue.</summary>
    public void WaitForJob(string jobId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Run("squeue", "-h", "-j", jobId).Trim().Length > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Slurm job {jobId} still queued after {timeout}:\n{Run("squeue")}\n{Logs()}");
            Thread.Sleep(500);
        }
    }

    public string Run(string tool, params string[] args)
    {
        var info = ChildProcess.Info(tool, args, new Dictionary<string, string> { ["SLURM_CONF"] = ConfigPath });
        return ChildProcess.Run(info, 300, tool).All;
    }

    public string Logs() =>
        string.Join("\n", new[] { "slurmctld.log", "slurmd.log" }.Where(f => File.Exists(dir.File(f))).Select(f => $"--- {f}\n" + string.Join('\n', File.ReadLines(dir.File(f)).TakeLast(20))));

    Process StartDaemon(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(Which(tool)!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["SLURM_CONF"] = ConfigPath;
        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static string? Which(string tool) =>
        new[] { "/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin" }.Concat((System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    public void Dispose()
    {
        foreach (var d in daemons)
        {
            try { if (!d.HasExited) { d.Kill(entireProcessTree: true); d.WaitForExit(5000); } } catch (InvalidOperationException) { }
            d.Dispose();
        }
        dir.Dispose();
    }
}
