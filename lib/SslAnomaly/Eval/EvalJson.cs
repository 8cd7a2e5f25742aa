using System.Text.Json;

namespace SslAnomaly.Eval;

/// <summary>JSON settings shared by result.json's metrics and the CLI: snake_case names, indented.</summary>
public static class EvalJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };
}
