namespace SslAnomaly;

/// <summary>
/// Bad input from the user (a file, a row, an option). Its message names what was wrong and where;
/// the CLI prints it as one line and exits non-zero. Line breaks and other control characters that come from the input
/// itself (a value with a newline, a quoted CSV field) are escaped, so the message stays one line.
/// </summary>
public class UserInputException(string message, Exception? inner = null) : Exception(OneLine(message), inner)
{
    static string OneLine(string message)
    {
        if (!message.Any(char.IsControl)) return message;
        var s = new System.Text.StringBuilder(message.Length + 8);
        foreach (var c in message)
            s.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        return s.ToString();
    }
}
