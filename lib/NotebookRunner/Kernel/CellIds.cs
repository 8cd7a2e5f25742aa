using System.Text.Json.Nodes;

namespace NotebookRunner.Kernel;

/// <summary>
/// dotnet-repl writes nbformat 4.5 but drops the cells' <c>id</c>s, which 4.5 requires (Jupyter warns, nbformat's
/// validator fails). The executed notebook gets the source's ids back, cell by cell, or "cell-N" for a .dib source.
/// </summary>
public static class CellIds
{
    public static void Restore(JsonObject executed, IReadOnlyList<string?> sourceIds)
    {
        if (executed["cells"] is not JsonArray cells) return;
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < cells.Count; i++)
        {
            if (cells[i] is not JsonObject cell) continue;
            string? id = i < sourceIds.Count ? sourceIds[i] : null;
            if (id is null || !used.Add(id)) used.Add(id = $"cell-{i + 1}");
            // Put the id after cell_type, where Jupyter writes it, so diffs against the source stay small.
            var rest = cell.Where(p => p.Key != "id").Select(p => (p.Key, Value: p.Value?.DeepClone())).ToList();
            cell.Clear();
            foreach (var (key, value) in rest)
            {
                cell[key] = value;
                if (key == "cell_type") cell["id"] = id;
            }
            if (!cell.ContainsKey("id")) cell["id"] = id;
        }
    }
}
