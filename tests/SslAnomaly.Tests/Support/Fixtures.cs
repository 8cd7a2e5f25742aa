using System.Text.Json;

namespace SslAnomaly.Tests.Support;

/// <summary>Golden fixtures committed under tests/fixtures (made by tests/fixtures/generate_fixtures.py).</summary>
public static class Fixtures
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "fixtures");

    public static string PathOf(string relative)
    {
        var path = Path.Combine(Root, relative);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Fixture {relative} is missing; regenerate with `/usr/bin/python3 tests/fixtures/generate_fixtures.py`.", path);
        return path;
    }

    public static JsonElement Json(string relative) => JsonDocument.Parse(File.ReadAllText(PathOf(relative))).RootElement;

    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();
    public static long[] Shape(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();
}
