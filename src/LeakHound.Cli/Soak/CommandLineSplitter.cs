using System.Text;

namespace LeakHound.Cli.Soak;

/// <summary>
/// Splits "CMD ARGS" given as one option value into an argument vector, honouring single and double quotes and
/// backslash escapes. Nothing is run through a shell: no globbing, variables or pipes.
/// </summary>
internal static class CommandLineSplitter
{
    public static string[] Split(string commandLine)
    {
        List<string> args = [];
        StringBuilder current = new();
        bool inArg = false;
        char quote = '\0';
        for (int i = 0; i < commandLine.Length; i++)
        {
            char c = commandLine[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"' && i + 1 < commandLine.Length && commandLine[i + 1] is '"' or '\\')
                {
                    current.Append(commandLine[++i]);
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inArg = true;
            }
            else if (c == '\\' && i + 1 < commandLine.Length)
            {
                current.Append(commandLine[++i]);
                inArg = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inArg)
                {
                    args.Add(current.ToString());
                    current.Clear();
                    inArg = false;
                }
            }
            else
            {
                current.Append(c);
                inArg = true;
            }
        }

        if (quote != '\0')
        {
            throw new LeakHoundException($"unterminated {quote} quote in '{commandLine}'");
        }

        if (inArg)
        {
            args.Add(current.ToString());
        }

        return args.ToArray();
    }
}
