using System.Text;
using NotebookRunner.Documents;

namespace NotebookRunner.Hosting;

/// <summary>
/// Where the running cell's outputs go, in the order they happen: console text (joined into stream
/// outputs while it continues the same stream) and displayed values. The runner points
/// <see cref="Current"/> at the cell being executed; display() and Console writes follow it.
/// </summary>
public sealed class CellOutputSink(List<CellOutput> outputs)
{
    readonly object gate = new();

    /// <summary>The sink of the cell being executed (one notebook runs at a time in a runner process).</summary>
    public static CellOutputSink? Current { get; set; }

    public void Write(string stream, string text)
    {
        if (text.Length == 0) return;
        lock (gate)
        {
            if (outputs.Count > 0 && outputs[^1] is StreamOutput last && last.Name == stream) last.Text.Append(text);
            else
            {
                var output = new StreamOutput(stream);
                output.Text.Append(text);
                outputs.Add(output);
            }
        }
    }

    public DisplayOutput Add(IReadOnlyDictionary<string, string> data, int? executionCount = null)
    {
        var output = new DisplayOutput(data, executionCount);
        lock (gate) outputs.Add(output);
        return output;
    }

    public void Add(ErrorOutput error)
    {
        lock (gate) outputs.Add(error);
    }
}

/// <summary>A Console.Out / Console.Error replacement that writes into the current cell's stream output.</summary>
public sealed class CellConsoleWriter(string stream, TextWriter passThrough) : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Write(value.ToString());

    public override void Write(string? value)
    {
        if (value is null) return;
        if (CellOutputSink.Current is { } sink) sink.Write(stream, value);
        else passThrough.Write(value); // between cells (runner messages): straight to the terminal
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));
}
