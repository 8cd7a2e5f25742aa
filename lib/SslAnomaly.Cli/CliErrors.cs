using System.CommandLine;
using SslAnomaly.Native;

namespace SslAnomaly.Cli;

/// <summary>One place that turns expected failures into one clear line on stderr and a non-zero exit.</summary>
public static class CliErrors
{
    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        try
        {
            // SIGTERM (how Slurm pre-empts or ends a job) and Ctrl+C cancel the run's token: training checkpoints and stops,
            // then the process exits 143 (SIGTERM) or 130 (Ctrl+C); the same command resumes.
            // The default 2 s grace would kill the process mid-checkpoint; Slurm's own KillWait bounds the wait anyway.
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromMinutes(5),
            });
        }
        catch (TorchLoadException e)
        {
            await Console.Error.WriteLineAsync($"error: libtorch: {e.Message}");
            return 3;
        }
        catch (UserInputException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
    }
}
