using System.CommandLine;
using SslAnomaly.Experiments;
using SslAnomaly.Methods;

namespace SslAnomaly.Cli.Commands;

/// <summary>`ssl-anomaly sweep`: the paper's grid, resumable, locally or as a Slurm job array.</summary>
public static class SweepCommand
{
    public static Command Create()
    {
        var grid = new Option<string>("--grid")
        {
            Description = "paper or quick: the imbalance grid (Table 1) at the paper or quick profile; resolution: Table 2's ablation; augmentation: Figure 3's",
            DefaultValueFactory = _ => Grids.Quick,
        };
        grid.AcceptOnlyFromAmong([.. Grids.Names]);
        var methods = new Option<string?>("--methods") { Description = $"comma-separated subset of {string.Join(",", MethodRegistry.Names)}" };
        var backbones = new Option<string?>("--backbones") { Description = "comma-separated subset of resnet18,vit-tiny" };
        var profile = new Option<string?>("--profile") { Description = "smoke, quick, standard or paper (default: from the grid)" };
        var dataRoot = new Option<string?>("--data-root") { Description = "Sewer-ML root; omitted: the embedded dataset" };
        var config = new Option<string?>("--config") { Description = "JSON/YAML config applied to every experiment" };
        var sets = new Option<string[]>("--set") { Description = "key=value override applied to every experiment (a method.* key must exist for every method swept)", AllowMultipleArgumentsPerToken = false };
        var seed = new Option<int>("--seed") { Description = "first seed", DefaultValueFactory = _ => 0 };
        var seeds = SeedsOption();
        var headlineSeeds = HeadlineSeedsOption();
        var probePct = new Option<double?>("--probe-defect-pct") { Description = "hold the probe set's defect share fixed at this percent while the train share moves (the report's fixed-probe panel); default: the train share" };
        var outDir = CliOptions.Required("--out", "sweep folder (sweep.json, runs/)");
        var parallel = ParallelOption();
        var slurm = new Option<bool>("--slurm") { Description = "write an sbatch job array (one task per missing experiment) and submit it" };
        var dryRun = new Option<bool>("--dry-run") { Description = "list the sweep's runs and whether each has finished, run nothing; with --slurm: write the script, do not submit" };
        var cpus = new Option<int>("--slurm-cpus") { Description = "CPUs per array task", DefaultValueFactory = _ => 2 };
        var time = new Option<string>("--slurm-time") { Description = "time limit per task", DefaultValueFactory = _ => "24:00:00" };
        var partition = new Option<string?>("--slurm-partition");
        var gres = new Option<string?>("--slurm-gres") { Description = "e.g. gpu:1 for the paper profile" };

        var command = new Command("sweep", "Run a grid of experiments (the paper's imbalance grid or an ablation; missing ones only), locally or on Slurm.")
        {
            grid, methods, backbones, profile, dataRoot, config, sets, seed, seeds, headlineSeeds, probePct, outDir, parallel, slurm, dryRun, cpus, time, partition, gres,
        };
        command.SetAction(p =>
        {
            var dir = Path.GetFullPath(p.GetValue(outDir)!);
            var plan = SweepPlan.Create(p.GetValue(grid)!, p.GetValue(profile), Split(p.GetValue(methods)), Split(p.GetValue(backbones)),
                p.GetValue(seed), p.GetValue(dataRoot), p.GetValue(config), p.GetValue(sets) ?? [], p.GetValue(seeds), p.GetValue(probePct),
                p.GetValue(headlineSeeds));
            // Fail fast on a bad shared config (or an entry it makes invalid) before writing or launching anything.
            foreach (var entry in plan.Entries) plan.Config(entry);
            if (p.GetValue(dryRun) && !p.GetValue(slurm))
            {
                foreach (var entry in plan.Entries)
                    Console.WriteLine($"{entry.Index,4}  {entry.RunName}  {RunDirectory.ReadStatus(plan.RunDirectoryOf(dir, entry))?.Name() ?? "missing"}");
                Console.WriteLine($"{plan.Entries.Count} experiments ({plan.Grid} grid, {plan.Profile} profile) in {SweepPlan.RunsDirectory(dir)}; nothing run (--dry-run)");
                return 0;
            }
            Directory.CreateDirectory(dir);
            plan = plan.SaveOrVerify(dir);
            if (p.GetValue(slurm))
            {
                var (script, indices) = SlurmJobArray.Write(dir, plan, new SlurmOptions(p.GetValue(cpus), p.GetValue(time)!, p.GetValue(partition), p.GetValue(gres), p.GetValue(parallel) is > 1 and var n ? n : 0));
                Console.WriteLine($"wrote {script} ({indices.Count} of {plan.Entries.Count} experiments missing)");
                if (indices.Count == 0) { Console.WriteLine("nothing to submit: every experiment is complete"); return 0; }
                if (p.GetValue(dryRun)) return 0;
                var job = SlurmJobArray.Submit(script);
                File.WriteAllText(Path.Combine(SlurmJobArray.SlurmDirectory(dir), "job-id"), job + "\n");
                Console.WriteLine($"submitted job array {job}");
                return 0;
            }
            var summary = new SweepRunner(dir, plan, Console.Out).Run(ResolveParallel(p.GetValue(parallel)));
            Console.WriteLine($"sweep {dir}: {summary.Completed} completed, {summary.Failed} failed, {summary.Total - summary.Completed - summary.Failed} missing of {summary.Total}");
            return summary.Completed + summary.Failed == summary.Total ? 0 : 1;
        });

        var index = new Option<int>("--index") { Description = "entry of sweep.json (the Slurm array index)", Required = true };
        var taskOut = CliOptions.Required("--out", "sweep folder");
        var task = new Command("task", "Run one experiment of a sweep in this process (what each Slurm array task does).") { taskOut, index };
        // On a worker thread, like `run`: on SIGTERM System.CommandLine waits for the running task, which checkpoints.
        task.SetAction((p, cancel) => Task.Run(() =>
        {
            var dir = Path.GetFullPath(p.GetValue(taskOut)!);
            var plan = SweepPlan.Load(dir);
            int i = p.GetValue(index);
            if (i < 0 || i >= plan.Entries.Count) throw new UserInputException($"--index {i} is outside the sweep's 0..{plan.Entries.Count - 1}.");
            var entry = plan.Entries[i];
            return RunCommand.RunOnce(plan.Config(entry), plan.RunDirectoryOf(dir, entry), force: false, cancel);
        }, CancellationToken.None));
        command.Subcommands.Add(task);
        return command;
    }

    /// <summary>`--seeds N`: every experiment with seeds seed .. seed + N - 1 (Table 1 then shows the mean with an interval over seeds and images).</summary>
    public static Option<int> SeedsOption() => new("--seeds") { Description = "run every experiment with N seeds (--seed .. --seed + N - 1); Table 1 then shows the mean with an interval over seeds, then images", DefaultValueFactory = _ => 1 };

    /// <summary>`--headline-seeds N`: seeds of the profile's headline cells (<see cref="Profiles.Headline"/>).</summary>
    public static Option<int?> HeadlineSeedsOption() => new("--headline-seeds")
    {
        Description = "seeds of the profile's headline cells (standard: ResNet-18 at 5 and 45 %, every method, floor and ceiling; default 3), at least --seeds; 1 runs them once",
    };

    public static Option<int?> ParallelOption() => new("--parallel")
    {
        Description = "experiments run at once on this machine (default: one per core, one libtorch thread each, on a CPU; 1 with a GPU)",
    };

    /// <summary>The --parallel value, or <see cref="SweepRunner.AutoParallel"/> for this machine when omitted.</summary>
    public static int ResolveParallel(int? requested)
    {
        if (requested is { } n) return n;
        SslAnomaly.Native.TorchRuntime.EnsureLoaded();
        return SweepRunner.AutoParallel(TorchSharp.torch.cuda.is_available());
    }

    static string[]? Split(string? list) => list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
