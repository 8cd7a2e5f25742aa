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
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
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
