using System.Globalization;
using System.Text.RegularExpressions;

namespace LeakHound.Probes.Go;

/// <summary>One frame of a goroutine's stack: the function and where in it (file:line).</summary>
public sealed record GoFrame(string Function, string File, int Line)
{
    /// <summary>The file's name and line, as people read it (<c>main.go:42</c>).</summary>
    public string Location => $"{System.IO.Path.GetFileName(File)}:{Line}";

    public override string ToString() => $"{Function} ({Location})";
}

/// <summary>
/// A distinct goroutine stack of a dump: its frames (innermost first), the function that started it (<c>created by</c>)
/// and its state (<c>chan receive</c>, <c>select</c>, <c>IO wait</c>), with how many goroutines share it.
/// </summary>
public sealed record GoroutineStack(IReadOnlyList<GoFrame> Frames, GoFrame? CreatedBy, string State, int Count)
{
    /// <summary>The state of a stack read from a count profile, until a dump tells it.</summary>
    public const string UnknownState = "unknown";

    /// <summary>What tells two stacks apart: every frame's function and line, and the creator (not the state's wait time).</summary>
    public string Signature => string.Join('\n', Frames.Select(f => $"{f.Function} {f.File}:{f.Line}")) + (CreatedBy is { } c ? $"\ncreated by {c.Function} {c.File}:{c.Line}" : "");

    /// <summary>Where the goroutine waits: its innermost frame outside the runtime (the runtime's own goroutines: the innermost).</summary>
    public GoFrame? Blocked => Frames.FirstOrDefault(f => !IsRuntime(f.Function)) ?? Frames.FirstOrDefault();

    /// <summary>
    /// The frames outside the runtime, function and line each: what a dump (debug=2) and a count profile (debug=1) both
    /// show of one stack, although each leaves out different runtime frames.
    /// </summary>
    public static string UserFramesKey(IEnumerable<GoFrame> frames) =>
        string.Join('\n', frames.Where(f => !IsRuntime(f.Function)).Select(f => $"{f.Function} {f.File}:{f.Line}"));

    private static bool IsRuntime(string function) =>
        function.StartsWith("runtime.", StringComparison.Ordinal) || function.StartsWith("internal/", StringComparison.Ordinal)
        || function.StartsWith("sync.runtime_", StringComparison.Ordinal);
}

/// <summary>
/// Reads the goroutine dump of <c>/debug/pprof/goroutine?debug=2</c> (Go's <c>runtime.Stack</c> text of every
/// goroutine): the goroutines grouped by stack. Only the text's own shape is trusted: a block that is not a goroutine
/// is skipped, and a page that holds none is refused (<see cref="PprofException"/>).
/// </summary>
/// <remarks>
/// The text format of <c>runtime/traceback.go</c>: <c>goroutine N [state, W minutes]:</c>, then per frame a function
/// line (<c>pkg.fn(args)</c>) and a tab-indented <c>file:line +0xoff</c>, then <c>created by pkg.fn</c> (Go 1.21 adds
/// <c>in goroutine M</c>) and its location; blocks are separated by blank lines. The debug=1 form counts stacks but
/// omits state and creator: the explanation counts with it and reads this one once, for the stacks that grew.
/// </remarks>
public static partial class GoroutineDump
{
    [GeneratedRegex(@"^goroutine \d+ \[([^\],]+)(?:, [^\]]*)?\]:$")]
    private static partial Regex Header();

    [GeneratedRegex(@"^\t(.+):(\d+)(?: \+0x[0-9a-f]+)?$")]
    private static partial Regex Location();

    /// <summary>The distinct stacks, most goroutines first.</summary>
    /// <exception cref="PprofException">The text holds no goroutine.</exception>
    public static IReadOnlyList<GoroutineStack> Parse(string text)
    {
        Dictionary<string, GoroutineStack> stacks = new(StringComparer.Ordinal);
        int goroutines = 0;
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            Match header = Header().Match(lines[i].TrimEnd('\r'));
            if (!header.Success)
            {
                continue;
            }

            List<GoFrame> frames = [];
            GoFrame? createdBy = null;
            int j = i + 1;
            for (; j + 1 < lines.Length && lines[j].Length > 0 && !Header().IsMatch(lines[j]); j += 2)
            {
                string function = lines[j].TrimEnd('\r');
                Match at = Location().Match(lines[j + 1].TrimEnd('\r'));
                if (!at.Success)
                {
                    j--; // "...additional frames elided..." and other one-line notes
                    continue;
                }

                GoFrame frame = new(FunctionName(function), at.Groups[1].Value, int.Parse(at.Groups[2].Value, CultureInfo.InvariantCulture));
                if (function.StartsWith("created by ", StringComparison.Ordinal))
                {
                    createdBy = frame;
                }
                else
                {
                    frames.Add(frame);
                }
            }

            i = j - 1;
            goroutines++;
            GoroutineStack stack = new(frames, createdBy, header.Groups[1].Value, 1);
            stacks[stack.Signature] = stacks.TryGetValue(stack.Signature, out GoroutineStack? seen) ? seen with { Count = seen.Count + 1 } : stack;
        }

        if (goroutines == 0)
        {
            string start = Core.Text.OneLine.Of(text.Length > 60 ? text[..60] : text);
            throw new PprofException($"not a Go goroutine dump (it starts with \"{start}\")");
        }

        return [.. stacks.Values.OrderByDescending(s => s.Count).ThenBy(s => s.Signature, StringComparer.Ordinal)];
    }

    /// <summary><c>main.(*conn).handle(0xc000…, 0x1)</c> → <c>main.(*conn).handle</c>; <c>created by main.f in goroutine 1</c> → <c>main.f</c>.</summary>
    private static string FunctionName(string line)
    {
        string name = line.StartsWith("created by ", StringComparison.Ordinal) ? line["created by ".Length..] : line;
        int inGoroutine = name.IndexOf(" in goroutine ", StringComparison.Ordinal);
        name = inGoroutine >= 0 ? name[..inGoroutine] : name;
        if (name.EndsWith(')'))
        {
            // The arguments are the last parenthesised group; a method's receiver "(*T)" comes before a dot.
            int open = name.LastIndexOf('(');
            if (open > 0 && name[open - 1] != '.')
            {
                name = name[..open];
            }
        }

        return name.Trim();
    }
}

/// <summary>A pprof endpoint that cannot be read, or whose answer is not what was asked for: one line for people.</summary>
public sealed class PprofException(string message) : Exception(message);
