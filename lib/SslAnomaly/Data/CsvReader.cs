using System.Text;

namespace SslAnomaly.Data;

/// <summary>One CSV record and the (1-based) line it starts on, for error messages.</summary>
public readonly record struct CsvRecord(string[] Fields, long Line);

/// <summary>
/// A streaming RFC 4180 reader: comma-separated, fields optionally in double quotes (a quote inside is
/// doubled; commas and line breaks inside quotes are data), CRLF or LF line ends, optional UTF-8 BOM.
/// Blank lines are skipped. Malformed quoting is a <see cref="UserInputException"/> naming file and line.
/// </summary>
public sealed class CsvReader : IDisposable
{
    readonly TextReader reader;
    readonly string name;
    readonly StringBuilder field = new();
    readonly List<string> fields = [];
    long line = 1;

    public CsvReader(TextReader reader, string name)
    {
        this.reader = reader;
        this.name = name;
    }

    public static CsvReader Open(string path)
    {
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            return new CsvReader(new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true), path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UserInputException($"{path}: file not found", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UserInputException($"{path}: cannot read: {e.Message}", e);
        }
    }

    /// <summary>Reads the next record, or returns false at the end of the input.</summary>
    public bool TryRead(out CsvRecord record)
    {
        while (true)
        {
            var start = line;
            if (!TryReadFields()) { record = default; return false; }
            // A blank line parses as one empty field: skip it.
            if (fields.Count == 1 && fields[0].Length == 0) continue;
            record = new CsvRecord([.. fields], start);
            return true;
        }
    }

    public IEnumerable<CsvRecord> ReadAll()
    {
        while (TryRead(out var record)) yield return record;
    }

    bool TryReadFields()
    {
        fields.Clear();
        field.Clear();
        int c = Read();
        if (c < 0) return false;
        var startLine = line;
        while (true)
        {
            if (c == '"' && field.Length == 0)
            {
                ReadQuoted(startLine);
                c = Read();
                if (c is not (',' or '\n' or '\r' or -1))
                    throw new UserInputException($"{name}:{line}: unexpected character '{(char)c}' after a closing quote");
            }
            switch (c)
            {
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    if (reader.Peek() == '\n') reader.Read();
                    goto case '\n';
                case '\n':
                    line++;
                    fields.Add(field.ToString());
                    return true;
                case -1:
                    fields.Add(field.ToString());
                    return true;
                case '"':
                    throw new UserInputException($"{name}:{line}: a quote inside an unquoted field (quote the whole field and double the quote)");
                default:
                    field.Append((char)c);
                    break;
            }
            c = Read();
        }
    }

    void ReadQuoted(long startLine)
    {
        while (true)
        {
            int c = Read();
            switch (c)
            {
                case -1:
                    throw new UserInputException($"{name}:{startLine}: a quoted field is never closed");
                case '"':
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); break; }
                    return;
                case '\n':
                    line++;
                    field.Append('\n');
                    break;
                default:
                    field.Append((char)c);
                    break;
            }
        }
    }

    int Read()
    {
        try
        {
            return reader.Read();
        }
        catch (DecoderFallbackException e)
        {
            throw new UserInputException($"{name}:{line}: not valid UTF-8", e);
        }
    }

    /// <summary>Quotes a field when it needs it (comma, quote, line break, surrounding spaces).</summary>
    public static string Escape(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (value.Length > 0 && (value[0] == ' ' || value[^1] == ' '))
            ? "\"" + value.Replace("\"", "\"\"") + "\""
            : value;

    public void Dispose() => reader.Dispose();
}
