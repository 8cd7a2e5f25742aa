using System.Diagnostics;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;
using NotebookRunner.Documents;
using NotebookRunner.Hosting;

namespace NotebookRunner.Execution;

/// <summary>How a run ended: success, or the first failing cell (1-based position in the notebook) and why.</summary>
public sealed record ExecutionResult(bool Succeeded, int? FailedCell, string? Error, TimeSpan Elapsed);

/// <summary>
/// Runs a notebook's cells in order in one C# session, filling each code cell's outputs: console text as
/// stream outputs, display() calls as display_data, the value of a trailing expression as execute_result.
/// Directives are handled here (#r of files and local packages, #i, #load, #!time). The first failing cell
/// gets an error output and stops the run; later cells keep no outputs.
/// </summary>
public sealed class NotebookExecutor(string notebookPath, TextWriter log)
{
    static readonly HashSet<string> LanguageSelectors = new(StringComparer.OrdinalIgnoreCase) { "csharp", "cs", "c#" };
    readonly string baseFolder = Path.GetDirectoryName(Path.GetFullPath(notebookPath))!;
    ScriptSession? session;
    LocalPackages? packages;

    ScriptSession Session => session ??= new ScriptSession(Warn);
    LocalPackages Packages => packages ??= new LocalPackages(AssemblyCatalog.FrameworkAssemblyNames);

    public async Task<ExecutionResult> RunAsync(Notebook notebook)
    {
        var clock = Stopwatch.StartNew();
        int executionCount = 0;
        for (int i = 0; i < notebook.Cells.Count; i++)
        {
            var cell = notebook.Cells[i];
            if (cell.Kind != CellKind.Code) continue;
            cell.ExecutionCount = ++executionCount;
            var sink = new CellOutputSink(cell.Outputs);
            CellOutputSink.Current = sink;
            var cellClock = Stopwatch.StartNew();
            try
            {
                await RunCellAsync(cell, executionCount, i + 1, sink);
            }
            catch (Exception e)
            {
                var error = ToError(e, i + 1, executionCount, cell.Id);
                sink.Add(error);
                return new ExecutionResult(false, i + 1, $"{error.EName}: {error.EValue}", clock.Elapsed);
            }
            finally
            {
                CellOutputSink.Current = null;
            }
            log.WriteLine($"cell {i + 1} ({cell.Kernel}) ran in {cellClock.Elapsed.TotalSeconds:F2} s");
        }
        return new ExecutionResult(true, null, null, clock.Elapsed);
    }

    async Task RunCellAsync(NotebookCell cell, int executionCount, int position, CellOutputSink sink)
    {
        if (cell.Kernel.Equals("html", StringComparison.OrdinalIgnoreCase))
        {
            sink.Add(new Dictionary<string, string> { ["text/html"] = cell.Source, [MimeBundle.PlainText] = cell.Source });
            return;
        }
        if (!Notebook.CSharpNames.Contains(cell.Kernel))
            throw new DirectiveException($"cell {position} is a '{cell.Kernel}' cell; the headless runner executes C# (and shows html cells) only.");

        bool timed = false;
        var clock = Stopwatch.StartNew();
        var result = await RunSourceAsync(cell.Source, baseFolder, $"cell{position}.csx", magic =>
        {
            if (magic.Name == "time") timed = true;
            else if (!LanguageSelectors.Contains(magic.Name))
                throw new DirectiveException($"line {magic.Line}: the magic command #!{magic.Name} is not supported by the headless runner (it supports #!time).");
        });
        if (timed) sink.Write("stdout", $"Wall time: {clock.Elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)}ms\n");
        // A trailing display(x) has already shown x; its handle is not shown again.
        if (result.HasValue && result.Value is not DisplayedValue)
            sink.Add(MimeBundle.Format(result.Value), executionCount);
    }

    /// <summary>Carries out a source's directives in order, then runs its code (blank code runs nothing).</summary>
    async Task<ScriptSession.Result> RunSourceAsync(string source, string folder, string label, Action<MagicDirective> onMagic)
    {
        var parsed = CellDirectives.Parse(source);
        foreach (var directive in parsed.Directives)
        {
            switch (directive)
            {
                case MagicDirective magic:
                    onMagic(magic);
                    break;
                case SourceDirective s:
                    AddSource(s, folder);
                    break;
                case ReferenceDirective r:
                    Reference(r, folder);
                    break;
                case LoadDirective l:
                    var file = Path.GetFullPath(Path.Combine(folder, l.Path));
                    if (!File.Exists(file)) throw new DirectiveException($"line {l.Line}: #load {file} does not exist.");
                    await RunSourceAsync(await File.ReadAllTextAsync(file), Path.GetDirectoryName(file)!, Path.GetFileName(file),
                        m => throw new DirectiveException($"{file}: magic commands (#!{m.Name}) are not allowed in loaded scripts."));
                    break;
            }
        }
        return string.IsNullOrWhiteSpace(parsed.Code) ? default : await Session.RunAsync(parsed.Code, label);
    }

    void AddSource(SourceDirective directive, string folder)
    {
        if (!IsNuGet(directive.Target))
            throw new DirectiveException($"line {directive.Line}: #i expects \"nuget: <folder>\", got \"{directive.Target}\".");
        var target = AfterNuGetPrefix(directive.Target);
        if (Uri.TryCreate(target, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            Warn($"#i {target}: remote feeds are not used offline; packages must already be in {string.Join(", ", Packages.Sources)}.");
            return;
        }
        Packages.AddSource(Path.Combine(folder, target));
    }

    void Reference(ReferenceDirective directive, string folder)
    {
        if (!IsNuGet(directive.Target))
        {
            var path = Path.GetFullPath(Path.Combine(folder, directive.Target));
            if (!File.Exists(path))
                throw new DirectiveException($"line {directive.Line}: #r \"{directive.Target}\": {path} does not exist (paths are relative to {folder}). Build it first.");
            Session.Assemblies.AddAssemblyFile(path);
            return;
        }
        var spec = AfterNuGetPrefix(directive.Target).Split(',', 2, StringSplitOptions.TrimEntries);
        foreach (var package in Packages.Resolve(spec[0], spec.Length > 1 && spec[1].Length > 0 ? spec[1] : null))
        {
            Session.Assemblies.AddProbeFolder(package.Folder);
            foreach (var assembly in package.Assemblies) Session.Assemblies.AddAssemblyFile(assembly);
            log.WriteLine($"#r nuget: {package.Id} {package.Version} from {package.Folder}");
        }
    }

    static bool IsNuGet(string target) => target.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase);

    static string AfterNuGetPrefix(string target) => target["nuget:".Length..].Trim();

    void Warn(string message) => log.WriteLine($"warning: {message}");

    /// <summary>The error output of a failed cell; its first traceback line names the cell.</summary>
    static ErrorOutput ToError(Exception e, int position, int executionCount, string? id)
    {
        string where = $"Cell {position} (execution {executionCount}{(id is null ? "" : $", id {id}")}) failed";
        return e switch
        {
            CompilationErrorException c => new ErrorOutput("CompilationError",
                string.Join("\n", c.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString())),
                [where, .. c.Diagnostics.Select(d => d.ToString())]),
            DirectiveException d => new ErrorOutput("DirectiveError", d.Message, [where, d.Message]),
            _ => new ErrorOutput(e.GetType().FullName ?? e.GetType().Name, e.Message, [where, .. e.ToString().Split('\n').Select(l => l.TrimEnd('\r'))]),
        };
    }
}
