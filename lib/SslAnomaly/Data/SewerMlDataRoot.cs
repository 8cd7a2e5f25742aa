namespace SslAnomaly.Data;

/// <summary>
/// A folder holding Sewer-ML (or the embedded dataset): <c>SewerML_{Train,Val,Test}.csv</c> and the PNGs,
/// either flat (<c>root/Filename</c>, as the official loader expects) or per split
/// (<c>root/Train/Filename</c>, ...). The per-split folder wins when it exists.
/// </summary>
public sealed class SewerMlDataRoot
{
    /// <summary>How many missing images a message lists by name.</summary>
    public const int MissingExamples = 5;

    SewerMlDataRoot(string root) => Root = root;

    public string Root { get; }

    public static SewerMlDataRoot Open(string root)
    {
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
            throw new UserInputException($"data root {root} does not exist (give the folder that holds SewerML_Train.csv and the images)");
        return new SewerMlDataRoot(full);
    }

    /// <summary>The annotation file of a split; missing is an error that names the expected path.</summary>
    public string CsvPath(SewerMlSplit split)
    {
        var path = Path.Combine(Root, split.CsvFileName());
        if (!File.Exists(path))
            throw new UserInputException($"{path} not found: the data root must hold {split.CsvFileName()}");
        return path;
    }

    public SewerMlTable ReadTable(SewerMlSplit split, bool requireLabels) => SewerMlCsv.Read(CsvPath(split), requireLabels);

    /// <summary>The folder images of this split live in: root/Train (or root/train) when present, else root.</summary>
    public string ImageFolder(SewerMlSplit split)
    {
        foreach (var name in new[] { split.FolderName(), split.Id() })
        {
            var dir = Path.Combine(Root, name);
            if (Directory.Exists(dir)) return dir;
        }
        return Root;
    }

    /// <summary>
    /// Full paths of these images. Names that escape the root are rejected; with <paramref name="verify"/>,
    /// missing files are one error with their count and the first few names.
    /// </summary>
    public string[] ImagePaths(SewerMlSplit split, IReadOnlyList<string> filenames, bool verify = true)
    {
        var folder = ImageFolder(split);
        var where = folder == Root ? $"data root {Root}" : $"image folder {folder}";
        var paths = new string[filenames.Count];
        var missing = new List<string>();
        int missingCount = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            paths[i] = SafeFilename.Resolve(folder, filenames[i], where);
            if (verify && !File.Exists(paths[i]) && missingCount++ < MissingExamples) missing.Add(filenames[i]);
        }
        if (missingCount > 0)
            throw new UserInputException($"{missingCount} of {paths.Length} image(s) of the {split.Id()} split are missing from {where}, e.g. {string.Join(", ", missing)}");
        return paths;
    }
}
