using System.CommandLine;
using NotebookRunner;
using NotebookRunner.Documents;

var notebook = new Argument<string>("notebook") { Description = "the notebook to execute (.ipynb or .dib)" };
var output = new Option<string>("--out") { Description = "where to write the executed notebook (.ipynb, nbformat 4.5)", Required = true };
var html = new Option<string?>("--html") { Description = "also write a standalone offline HTML page of the executed notebook" };
var profile = new Option<string?>("--profile") { Description = "sets SSL_ANOMALY_PROFILE for the notebook (smoke, quick, paper); otherwise the environment's value passes through" };
var timeout = new Option<int>("--timeout") { Description = "seconds before the kernel is stopped", DefaultValueFactory = _ => 1800 };
var root = new RootCommand("Executes a notebook in the real .NET Interactive kernel (dotnet-repl) and writes the executed notebook, with an offline HTML page on request.")
{
    notebook, output, html, profile, timeout,
};
root.SetAction(parse => ExecuteCommand.Run(parse.GetValue(notebook)!, parse.GetValue(output)!, parse.GetValue(html), parse.GetValue(profile), parse.GetValue(timeout)));

var ipynb = new Argument<string[]>("ipynb") { Description = "the .ipynb files (the source of truth) whose .dib twins to write", Arity = ArgumentArity.OneOrMore };
var dib = new Command("dib", "Writes NAME.dib beside each NAME.ipynb, with the same cells.") { ipynb };
dib.SetAction(parse =>
{
    foreach (var path in parse.GetValue(ipynb)!)
    {
        try
        {
            File.WriteAllText(Path.ChangeExtension(path, ".dib"), DibWriter.Write(Notebook.Load(path)));
        }
        catch (Exception e) when (e is NotebookFormatException or IOException)
        {
            Console.Error.WriteLine($"NotebookRunner dib: {e.Message}");
            return 2;
        }
    }
    return 0;
});
root.Subcommands.Add(dib);

var outputNotebooks = new Argument<string[]>("notebooks") { Description = "the .ipynb files to execute (default: every notebooks/*.ipynb of the repository)", Arity = ArgumentArity.ZeroOrMore };
var study = new Option<string?>("--study") { Description = $"the published study the notebooks show (default: the repository's {SslAnomaly.Experiments.PublishedStudy.Committed})" };
var runsOut = new Option<string?>("--runs-out") { Description = "where the grids the study lacks (ablations, selection grid) run and are reused (default: notebooks/out/with-study)" };
var check = new Option<bool>("--check") { Description = "write nothing; exit 1 when the committed outputs differ from what the current code produces, naming the cells" };
var noPng = new Option<bool>("--no-png") { Description = "write no PNG copies of the figures (they need chromium; --check needs none, since it compares figure data)" };
var outputs = new Command("outputs", "Executes the notebooks in the real kernel against a published study and writes their outputs into the .ipynb files, " +
                                     "each Plotly figure also as a PNG; --check compares the committed outputs instead.")
{
    outputNotebooks, study, runsOut, check, noPng, timeout,
};
outputs.SetAction(parse =>
{
    var root = NotebookRunner.Outputs.OutputsCommand.RepositoryRoot(Path.Combine(Directory.GetCurrentDirectory(), "x")) ?? Directory.GetCurrentDirectory();
    var given = parse.GetValue(outputNotebooks) ?? [];
    var files = given.Length > 0 ? given
        : Directory.Exists(Path.Combine(root, "notebooks")) ? Directory.GetFiles(Path.Combine(root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal).ToArray() : [];
    return NotebookRunner.Outputs.OutputsCommand.Run(new NotebookRunner.Outputs.OutputsCommand.Options(
        files,
        parse.GetValue(study) ?? Path.Combine(root, SslAnomaly.Experiments.PublishedStudy.Committed),
        parse.GetValue(runsOut) ?? Path.Combine(root, "notebooks", "out", "with-study"),
        parse.GetValue(check), !parse.GetValue(noPng), parse.GetValue(timeout)), Console.Error);
});
root.Subcommands.Add(outputs);
return root.Parse(args).Invoke();
