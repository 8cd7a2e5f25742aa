using static SslAnomaly.Tests.Support.NotebookRunnerProcess;

namespace SslAnomaly.Tests.Notebooks;

/// <summary>
/// The evidence behind two design choices, kept as a test so it is re-checked whenever the kernel or the packages
/// change: in the real .NET Interactive kernel, Plotly.NET 6.0.0 and Deedle 8.1.0 both fail for want of FSharp.Core
/// 10.1 (the kernel has 10.0 loaded). Hence figures are plain plotly.js JSON (PlotlyFigure) and tables go through
/// Microsoft.Data.Analysis. If this test fails because a cell now works, the choices can be revisited.
/// </summary>
[Collection(SslAnomaly.Tests.Support.EndToEnd.Name)]
public class KernelFSharpCoreTests
{
    [Fact]
    public void Plotly_NET_and_Deedle_cannot_load_in_the_kernel_for_want_of_FSharp_Core_10_1()
    {
        using var dir = new TempDir();
        var run = Run(Fixtures.PathOf("notebooks/fsharp-core-10-1.ipynb"), dir.File("out.ipynb"), timeoutSeconds: 600);
        Assert.Equal(1, run.ExitCode);
        var errors = Outputs(run.Notebook!.Value).Where(o => o.Output.GetProperty("output_type").GetString() == "error")
            .Select(o => (o.Cell, Value: o.Output.GetProperty("evalue").GetString()!)).ToList();
        // Plotly.NET fails in its Defaults (FSharp.Core or, with a 10.1 copy beside it, Giraffe's F# signatures); Deedle asks for FSharp.Core 10.1.
        Assert.Contains(errors, e => e.Cell == 1 && (e.Value.Contains("FSharp.Core, Version=10.1.0.0", StringComparison.Ordinal) || e.Value.Contains("Plotly-NET", StringComparison.Ordinal)));
        Assert.Contains(errors, e => e.Cell == 2 && e.Value.Contains("FSharp.Core, Version=10.1.0.0", StringComparison.Ordinal));
    }
}
