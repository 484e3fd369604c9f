using System.Globalization;
using System.Text.RegularExpressions;

namespace LeakHound.Probes.Go;

/// <summary>
/// Reads a count profile's text (<c>/debug/pprof/NAME?debug=1</c>: <c>goroutine</c>, <c>goroutineleak</c>): how many
/// goroutines share each stack. The same writer serves every count profile, so the goroutine profile of any Go proves
/// the reader on the runtime's real output, and the leak profile of Go 1.26+ is read the same way.
/// </summary>
/// <remarks>
/// The format of <c>runtime/pprof</c>'s <c>printCountProfile</c>: <c>NAME profile: total N</c>, then per stack a line
/// <c>COUNT @ 0xPC 0xPC …</c>, an optional <c># labels: {…}</c>, and per frame <c>#\t0xPC\tfunc+0xOFF\tfile:line</c>
/// (the runtime's innermost frames left out; columns aligned with tabs), blocks separated by blank lines. It has no <c>created by</c> and no state.
/// </remarks>
public static partial class GoroutineCountProfile
{
    [GeneratedRegex(@"^(\S+) profile: total (\d+)$")]
    private static partial Regex Header();

    [GeneratedRegex(@"^(\d+) @(?: 0x[0-9a-f]+)*$")]
    private static partial Regex Block();

    // Columns are aligned by a tabwriter: one or more tabs between them.
    [GeneratedRegex(@"^#\t+0x[0-9a-f]+(?:\t+(\S+)\+0x[0-9a-f]+\t+(.+):(\d+))?$")]
    private static partial Regex Frame();

    /// <summary>The stacks of profile <paramref name="name"/>, most goroutines first, each with <paramref name="state"/>.</summary>
    /// <exception cref="PprofException">The text is not that profile's debug=1 form, or its counts do not add up.</exception>
    public static IReadOnlyList<GoroutineStack> Parse(string text, string name, string state)
    {
        string[] lines = text.Split('\n');
        Match header = lines.Length > 0 ? Header().Match(lines[0].TrimEnd('\r')) : Match.Empty;
        if (!header.Success || header.Groups[1].Value != name)
        {
            string start = Core.Text.OneLine.Of(text.Length > 60 ? text[..60] : text);
            throw new PprofException($"not the {name} profile's text (it starts with \"{start}\")");
        }

        long total = long.Parse(header.Groups[2].Value, CultureInfo.InvariantCulture);
        Dictionary<string, GoroutineStack> stacks = new(StringComparer.Ordinal);
        long counted = 0;
        for (int i = 1; i < lines.Length; i++)
        {
            Match block = Block().Match(lines[i].TrimEnd('\r'));
            if (!block.Success)
            {
                continue;
            }

            int count = int.Parse(block.Groups[1].Value, CultureInfo.InvariantCulture);
            List<GoFrame> frames = [];
            for (i++; i < lines.Length && lines[i].StartsWith('#'); i++)
            {
                Match frame = Frame().Match(lines[i].TrimEnd('\r'));
                if (frame.Success)
                {
                    frames.Add(frame.Groups[1].Success
                        ? new GoFrame(frame.Groups[1].Value, frame.Groups[2].Value, int.Parse(frame.Groups[3].Value, CultureInfo.InvariantCulture))
                        : new GoFrame("?", "?", 0));
                }
            }

            counted += count;
            GoroutineStack stack = new(frames, null, state, count);
            stacks[stack.Signature] = stacks.TryGetValue(stack.Signature, out GoroutineStack? seen) ? seen with { Count = seen.Count + count } : stack;
        }

        if (counted != total)
        {
            throw new PprofException($"the {name} profile says {total} goroutines but lists {counted}");
        }

        return [.. stacks.Values.OrderByDescending(s => s.Count).ThenBy(s => s.Signature, StringComparer.Ordinal)];
    }
}

/// <summary>
/// The runtime's own proof of leaked goroutines (Go 1.26+, <c>/debug/pprof/goroutineleak</c>): goroutines blocked on a
/// channel or lock that nothing reachable can ever release, found by the garbage collector. Absent on older Go and on
/// builds without it; then <see cref="Unavailable"/> says why and the growth of the dumps stands alone.
/// </summary>
/// <param name="Stacks">The leaked goroutines by stack; null when the profile could not be had.</param>
/// <param name="Unavailable">Why there is no profile; null when there is one.</param>
public sealed record GoroutineLeakProfile(IReadOnlyList<GoroutineStack>? Stacks, string? Unavailable)
{
    public int? Leaked => Stacks?.Sum(s => s.Count);

    /// <summary>One line for people: how many goroutines are proven leaked, or why there is no profile.</summary>
    public string Summary => Leaked is { } leaked
        ? $"goroutineleak profile: {leaked:N0} goroutines proven leaked by the runtime (blocked on what nothing reachable can release)"
        : $"goroutineleak profile: {Unavailable}";

    /// <summary>How many goroutines of <paramref name="stack"/> (from a dump) the runtime proved leaked; null without a profile.</summary>
    public int? LeakedIn(GoroutineStack stack)
    {
        if (Stacks is null)
        {
            return null;
        }

        string key = GoroutineStack.UserFramesKey(stack.Frames);
        return Stacks.Where(s => GoroutineStack.UserFramesKey(s.Frames) == key).Sum(s => s.Count);
    }
}
