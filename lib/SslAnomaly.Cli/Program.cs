using System.CommandLine;
using SslAnomaly.Cli;
using SslAnomaly.Cli.Commands;

var root = new RootCommand("ssl-anomaly: self-supervised anomaly detection under controlled imbalance (Sewer-ML workbook).");
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(DataCommand.Create());
root.Subcommands.Add(MetricsCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(SweepCommand.Create());
root.Subcommands.Add(ReportCommand.Create());
root.Subcommands.Add(AnalyzeCommand.Create());
root.Subcommands.Add(ReproduceCommand.Create());
root.Subcommands.Add(RerunCommand.Create());
root.Subcommands.Add(CompareCommand.Create());
root.Subcommands.Add(PublishCommand.Create());
return await CliErrors.InvokeAsync(root, args);
