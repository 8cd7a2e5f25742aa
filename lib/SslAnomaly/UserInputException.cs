namespace SslAnomaly;

/// <summary>
/// Bad input from the user (a file, a row, an option). Its message names what was wrong and where;
/// the CLI prints it as one line and exits non-zero.
/// </summary>
public class UserInputException(string message, Exception? inner = null) : Exception(message, inner);
