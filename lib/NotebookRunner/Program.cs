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
return root.Parse(args).Invoke();
