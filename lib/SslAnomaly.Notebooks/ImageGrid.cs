using System.Text;
using TorchSharp;

namespace SslAnomaly.Notebooks;

/// <summary>
/// Images laid out in a grid, displayed as inline PNG data URIs (so the notebook file carries them).
/// Small images are scaled up to <see cref="DisplaySize"/> CSS pixels with crisp (pixelated) edges.
/// </summary>
public sealed class ImageGrid(IReadOnlyList<ImageTile> tiles, int columns = 8, int displaySize = 96, string? title = null)
{
    public IReadOnlyList<ImageTile> Tiles { get; } = tiles;
    public int Columns { get; } = Math.Max(1, columns);
    public int DisplaySize { get; } = displaySize;
    public string? Title { get; } = title;

    /// <summary>Images from a tensor [N,3,H,W] / [3,H,W] (see <see cref="PngImages.FromTensor"/>).</summary>
    public static ImageGrid FromTensor(torch.Tensor images, IReadOnlyList<string>? captions = null, int columns = 8, bool rescale = false, int displaySize = 96, string? title = null) =>
        new(PngImages.FromTensor(images, captions, rescale), columns, displaySize, title);

    /// <summary>Images from files (PNG, JPEG, ...), shrunk to at most <paramref name="maxSide"/> pixels.</summary>
    public static ImageGrid FromFiles(IEnumerable<string> paths, IReadOnlyList<string>? captions = null, int columns = 8, int maxSide = 160, int displaySize = 96, string? title = null) =>
        new(PngImages.FromFiles(paths, captions, maxSide), columns, displaySize, title);

    public string ToHtml()
    {
        var s = new StringBuilder();
        s.Append("<div class=\"ssl-image-grid\">");
        if (Title is not null) s.Append($"<p><b>{HtmlText.Encode(Title)}</b></p>");
        s.Append($"<div style=\"display:grid;grid-template-columns:repeat({Columns},{DisplaySize}px);gap:6px\">");
        foreach (var tile in Tiles)
        {
            // Scale the longer side to DisplaySize, keeping the aspect ratio.
            double scale = (double)DisplaySize / Math.Max(tile.Width, tile.Height);
            int w = (int)Math.Round(tile.Width * scale), h = (int)Math.Round(tile.Height * scale);
            string alt = HtmlText.Encode(tile.Caption ?? $"{tile.Width}x{tile.Height} image");
            s.Append("<figure style=\"margin:0;text-align:center\">")
             .Append($"<img src=\"{tile.DataUri}\" width=\"{w}\" height=\"{h}\" alt=\"{alt}\" style=\"image-rendering:pixelated\"/>");
            if (tile.Caption is not null) s.Append($"<figcaption style=\"font-size:80%\">{HtmlText.Encode(tile.Caption)}</figcaption>");
            s.Append("</figure>");
        }
        s.Append("</div></div>");
        return s.ToString();
    }

    public string ToText()
    {
        var sizes = Tiles.Select(t => $"{t.Width}x{t.Height}").Distinct().ToList();
        var s = new StringBuilder($"{(Title is null ? "" : Title + ": ")}image grid of {Tiles.Count} image(s), {string.Join(", ", sizes)} px");
        var captions = Tiles.Where(t => t.Caption is not null).Select(t => t.Caption!).ToList();
        if (captions.Count > 0) s.Append($"; captions: {string.Join(", ", captions.Take(16))}{(captions.Count > 16 ? ", …" : "")}");
        return s.ToString();
    }
}
