namespace SslAnomaly.Tests.Architecture;

/// <summary>
/// The library's namespaces form a layered graph (docs/architecture.md, "The library, folder by folder"): a cycle means two
/// folders can only be understood, tested or moved together, and the trainer must stay usable without the experiment
/// layer that drives it.
/// </summary>
public class NamespaceDependencyTests
{
    static readonly Lazy<NamespaceGraph> Library = new(() =>
        NamespaceGraph.Of(typeof(UserInputException).Assembly.Location, nameof(SslAnomaly)));

    [Fact]
    public void The_library_has_no_cycle_between_its_namespaces()
    {
        var cycles = Library.Value.Cycles();
        Assert.True(cycles.Count == 0, "namespace cycles (each edge with one place that makes it):\n" +
            string.Join("\n", cycles.Select(c => string.Join(" <-> ", c) + "\n" + Library.Value.Describe(c))));
    }

    [Fact]
    public void Training_does_not_know_the_experiments_that_drive_it()
    {
        var edges = Library.Value.Edges;
        Assert.False(edges.TryGetValue(("SslAnomaly.Training", "SslAnomaly.Experiments"), out var witness),
            $"SslAnomaly.Training uses SslAnomaly.Experiments: {witness}");
    }

    /// <summary>A graph with no edges has no cycles; these show the reader sees the references the rules are about.</summary>
    [Fact]
    public void The_graph_sees_signatures_method_bodies_and_attribute_arguments()
    {
        var graph = Library.Value;
        Assert.Contains("SslAnomaly.Training", graph.Namespaces);
        Assert.Contains("SslAnomaly.Experiments", graph.Namespaces);
        // ExperimentRunner calls Trainer.Run inside a method body.
        Assert.Contains(("SslAnomaly.Experiments", "SslAnomaly.Training"), graph.Edges.Keys);
        // MethodSpec's Views is a delegate over Augment's types: a signature only.
        Assert.Contains(("SslAnomaly.Methods", "SslAnomaly.Augment"), graph.Edges.Keys);
        Assert.DoesNotContain(graph.Edges.Keys, e => !graph.Namespaces.Contains(e.To) || e.From == e.To);
    }

    [Fact]
    public void A_cycle_is_found_and_named_through_every_namespace_on_it()
    {
        var cycles = NamespaceGraph.StronglyConnected(["A", "B", "C", "D"], [("A", "B"), ("B", "C"), ("C", "A"), ("C", "D")]);
        var cycle = Assert.Single(cycles);
        Assert.Equal(["A", "B", "C"], cycle);
        Assert.Empty(NamespaceGraph.StronglyConnected(["A", "B", "C"], [("A", "B"), ("B", "C"), ("A", "C")]));
    }
}
