using System.Text.Json;
using SslAnomaly.Reporting;

namespace SslAnomaly.Tests.Experiments;

/// <summary>The figure JSON that plotly.js draws in the report, the notebooks and Chromium.</summary>
public class PlotlyFigureTests
{
    [Fact]
    public void A_figure_is_plotly_json_with_missing_values_as_null_and_numbers_kept_as_numbers()
    {
        var figure = PlotlyFigure.Of(
                PlotlyTraces.Heatmap([[0.5, double.NaN]], ["1%", "natural"], ["simclr 5%"]),
                PlotlyTraces.Line(new long[] { 1, 2 }, [0.9, double.PositiveInfinity], "loss", markers: true, dash: "dot"))
            .WithTitle("t").WithAxisTitles("x", "y").WithSize(760, 420).WithReversedYAxis();
        var json = JsonDocument.Parse(figure.ToJson()).RootElement;
        var heatmap = json.GetProperty("data")[0];
        Assert.Equal("heatmap", heatmap.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, heatmap.GetProperty("z")[0][1].ValueKind);
        var line = json.GetProperty("data")[1];
        Assert.Equal(JsonValueKind.Number, line.GetProperty("x")[0].ValueKind);
        Assert.Equal(JsonValueKind.Null, line.GetProperty("y")[1].ValueKind);
        Assert.Equal("lines+markers", line.GetProperty("mode").GetString());
        Assert.Equal("dot", line.GetProperty("line").GetProperty("dash").GetString());
        var layout = json.GetProperty("layout");
        Assert.Equal("t", layout.GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("y", layout.GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("reversed", layout.GetProperty("yaxis").GetProperty("autorange").GetString());
        Assert.Equal((760, 420), PlotlyHtml.Size(json));
    }

    [Fact]
    public void Changes_return_a_new_figure_and_leave_the_original_as_it_was()
    {
        var plain = PlotlyFigure.Of(PlotlyTraces.Columns(["a"], [1.0], "bars", hover: ["a: 1"]));
        var styled = plain.WithTraceProperty("showlegend", true).WithLayout("xaxis.type", "log");
        Assert.DoesNotContain("showlegend", plain.ToJson());
        Assert.DoesNotContain("\"log\"", plain.ToJson());
        Assert.Contains("\"showlegend\":true", styled.ToJson());
        Assert.Contains("\"xaxis\":{\"type\":\"log\"}", styled.ToJson());
        Assert.Contains("\"textposition\":\"none\"", plain.ToJson());
    }

    [Fact]
    public void The_html_fragment_draws_with_plotly_and_cannot_be_closed_early_by_a_title()
    {
        var html = PlotlyHtml.Fragment(PlotlyFigure.Of(PlotlyTraces.Points([1.0], [2.0], "p")).WithTitle("</script><b>").WithSize(300, 200));
        Assert.Contains("data-width=\"300\" data-height=\"200\"", html);
        Assert.Contains("Plotly.newPlot(", html);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "</script>"));
        Assert.StartsWith("/**\n* plotly.js v2.28", PlotlyHtml.PlotlyJs.TrimStart().Replace("\r", ""));
    }
}
