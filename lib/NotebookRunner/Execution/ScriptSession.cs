using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Scripting.Hosting;
using NotebookRunner.CellImports;
using NotebookRunner.Hosting;

namespace NotebookRunner.Execution;

/// <summary>
/// One C# scripting session for a whole notebook: each submission continues the previous state
/// (variables, types and usings carry from cell to cell, as in the kernel), compiled against the
/// references gathered so far.
/// </summary>
public sealed class ScriptSession
{
    /// <summary>What the kernel's C# cells can use without a using (plus display/HTML from the globals).</summary>
    static readonly string[] DefaultImports =
        ["System", "System.IO", "System.Linq", "System.Text", "System.Collections.Generic", "System.Threading.Tasks",
         "Microsoft.DotNet.Interactive.Formatting", typeof(DisplayExtensions).Namespace!];

    readonly InteractiveAssemblyLoader loader = new();
    readonly NotebookGlobals globals = new();
    ScriptState<object>? state;

    public ScriptSession(Action<string> warn)
    {
        Assemblies = new AssemblyCatalog(loader, warn);
    }

    public AssemblyCatalog Assemblies { get; }

    /// <summary>The submission's value when it ends in an expression (HasValue), as the kernel displays it.</summary>
    public readonly record struct Result(bool HasValue, object? Value);

    /// <summary>Compiles and runs one submission; compile errors throw <see cref="CompilationErrorException"/>.</summary>
    public async Task<Result> RunAsync(string code, string label)
    {
        var options = ScriptOptions.Default
            .WithReferences(Assemblies.References)
            .WithImports(DefaultImports)
            .WithFilePath(label)
            .WithEmitDebugInformation(true) // line numbers in stack traces (needs an encoding)
            .WithFileEncoding(System.Text.Encoding.UTF8)
            .WithAllowUnsafe(true);
        state = state is null
            ? await CSharpScript.Create(code, options, typeof(NotebookGlobals), loader).RunAsync(globals)
            : await state.ContinueWithAsync(code, options);
        return new Result(EndsInValue(state.Script), state.ReturnValue);
    }

    /// <summary>
    /// Whether the submission ends in an expression without a semicolon whose type is not void: the rule by
    /// which the kernel shows a cell's value (Roslyn keeps its own check internal).
    /// </summary>
    static bool EndsInValue(Script script)
    {
        var compilation = script.GetCompilation();
        var tree = compilation.SyntaxTrees.Single();
        if (tree.GetCompilationUnitRoot().Members.LastOrDefault() is not GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } statement })
            return false;
        var type = compilation.GetSemanticModel(tree).GetTypeInfo(statement.Expression).Type;
        return type is not null && type.SpecialType != SpecialType.System_Void;
    }
}
