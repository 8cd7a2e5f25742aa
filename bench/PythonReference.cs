using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace SslAnomaly.Bench;

/// <summary>
/// The PyTorch side: bench/pytorch_reference.py as a child process speaking one JSON object per line. Calls are
/// synchronous, so exactly one side computes at any time and the two share the cores in turns, never at once.
/// </summary>
public sealed class PythonReference : IDisposable
{
    readonly Process process;

    PythonReference(Process process) => this.process = process;

    /// <summary>The script's answer to "hello": torch/torchvision/PIL versions, threads, BLAS.</summary>
    public JsonObject Hello { get; private set; } = [];

    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "pytorch_reference.py");

    /// <summary>Starts the script, or returns null with the reason (no Python, no torch, a crash at start-up).</summary>
    /// <param name="environment">Extra environment of the child (its OpenMP wait policy); a null value removes the variable.</param>
    public static PythonReference? TryStart(string python, int threads, IReadOnlyDictionary<string, string?> environment, out string? reason)
    {
        reason = null;
        if (!File.Exists(python))
        {
            reason = $"{python} does not exist (install Debian's python3-torch, python3-torchvision and libopenblas0-pthread, or pass --python)";
            return null;
        }
        if (!File.Exists(ScriptPath))
        {
            reason = $"{ScriptPath} is missing from the build output";
            return null;
        }
        var info = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-u");
        info.ArgumentList.Add(ScriptPath);
        // Keep OpenMP/BLAS thread pools to what torch.set_num_threads asks for.
        info.Environment["OMP_NUM_THREADS"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["OPENBLAS_NUM_THREADS"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in environment)
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            reason = $"cannot start {python}: {e.Message}";
            return null;
        }
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        var ready = process.StandardOutput.ReadLine();
        if (ready is null)
        {
            process.WaitForExit(5000);
            string text;
            lock (errors) text = errors.ToString().Trim();
            var last = text.Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "no output";
            reason = last.Contains("No module named 'torch'", StringComparison.Ordinal)
                ? $"{python} has no torch module (apt-get install python3-torch python3-torchvision libopenblas0-pthread)"
                : $"the PyTorch reference failed to start: {last}";
            process.Dispose();
            return null;
        }
        var reference = new PythonReference(process);
        // Equal process settings on both sides: threads, and the glibc malloc tuning the library applies to itself.
        var hello = new JsonObject { ["op"] = "hello", ["threads"] = threads, ["interop_threads"] = TorchSharp.torch.get_num_interop_threads() };
        if (SslAnomaly.Native.NativeAllocator.Applied == true)
            hello["malloc"] = new JsonObject
            {
                ["mmap_threshold"] = SslAnomaly.Native.NativeAllocator.MmapThreshold,
                ["trim_threshold"] = SslAnomaly.Native.NativeAllocator.TrimThreshold,
                ["top_pad"] = SslAnomaly.Native.NativeAllocator.TopPad,
            };
        reference.Hello = reference.Call(hello);
        return reference;
    }

    /// <summary>Sends one command and waits for its answer; an "error" answer throws with the script's message.</summary>
    public JsonObject Call(JsonObject command)
    {
        process.StandardInput.WriteLine(command.ToJsonString());
        process.StandardInput.Flush();
        var line = process.StandardOutput.ReadLine()
            ?? throw new InvalidOperationException($"the PyTorch reference exited during '{command["op"]}' (exit code {(process.HasExited ? process.ExitCode : -1)})");
        var reply = JsonNode.Parse(line) as JsonObject ?? throw new InvalidOperationException($"unexpected reply: {line}");
        if (reply["error"] is JsonNode error)
            throw new InvalidOperationException($"PyTorch reference, '{command["op"]}': {error}\n{reply["trace"]}");
        return reply;
    }

    public double PeakRssMb() => Call(new JsonObject { ["op"] = "rss" })["peak_rss_mb"]!.GetValue<double>();

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                Call(new JsonObject { ["op"] = "quit" });
                if (!process.WaitForExit(5000)) process.Kill();
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            // already gone
        }
        process.Dispose();
    }
}
