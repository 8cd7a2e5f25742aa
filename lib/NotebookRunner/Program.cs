using System.CommandLine;
using NotebookRunner;

var notebook = new Argument<string>("notebook") { Description = "the notebook to execute (.ipynb or .dib)" };
var output = new Option<string>("--out") { Description = "where to write the executed notebook (.ipynb, nbformat 4.5)", Required = true };
var html = new Option<string?>("--html") { Description = "also write a standalone HTML page of the executed notebook" };
var profile = new Option<string?>("--profile") { Description = "sets SSL_ANOMALY_PROFILE for the notebook (smoke, quick, paper); otherwise the environment's value passes through" };
var root = new RootCommand("Executes the C# cells of a Polyglot notebook headlessly (Roslyn scripting) and writes the notebook with its outputs.")
{
    notebook, output, html, profile,
};
root.SetAction((parse, _) => ExecuteCommand.RunAsync(
    parse.GetValue(notebook)!, parse.GetValue(output)!, parse.GetValue(html), parse.GetValue(profile)));
return await root.Parse(args).InvokeAsync();
