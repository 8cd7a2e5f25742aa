using System.Text;

namespace NotebookRunner.Documents;

/// <summary>One output of a code cell, in nbformat 4 terms.</summary>
public abstract class CellOutput;

/// <summary>Text written to stdout or stderr; consecutive writes to the same stream join one output.</summary>
public sealed class StreamOutput(string name) : CellOutput
{
    public string Name { get; } = name;
    public StringBuilder Text { get; } = new();
}

/// <summary>
/// A formatted value: MIME type to content. <see cref="ExecutionCount"/> is set for the cell's result
/// (an nbformat execute_result) and null for display() calls (display_data).
/// </summary>
public sealed class DisplayOutput(IReadOnlyDictionary<string, string> data, int? executionCount = null) : CellOutput
{
    /// <summary>Replaced when the notebook updates the display in place.</summary>
    public IReadOnlyDictionary<string, string> Data { get; set; } = data;
    public int? ExecutionCount { get; } = executionCount;
    public bool IsResult => ExecutionCount is not null;
}

/// <summary>A failure: exception type, message and the lines of a traceback (first line names the cell).</summary>
public sealed class ErrorOutput(string ename, string evalue, IReadOnlyList<string> traceback) : CellOutput
{
    public string EName { get; } = ename;
    public string EValue { get; } = evalue;
    public IReadOnlyList<string> Traceback { get; } = traceback;
}
