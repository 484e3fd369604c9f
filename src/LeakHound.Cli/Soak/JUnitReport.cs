using System.Xml.Linq;
using LeakHound.Core.Verdicts;

namespace LeakHound.Cli.Soak;

/// <summary>
/// JUnit XML: one test case per signal, failing with the rate when it leaks (type <c>leak</c>) or when the soak could
/// not tell whether it grows (type <c>inconclusive</c>), so CI systems show it natively.
/// </summary>
internal static class JUnitReport
{
    /// <param name="path">The file to write.</param>
    /// <param name="suite">The test suite's name.</param>
    /// <param name="seconds">How long the soak took.</param>
    /// <param name="cases">Per signal: its name, the failure type (null when it passes) and the message.</param>
    public static void Write(string path, string suite, double seconds, IEnumerable<(string Name, string? Failure, string Message)> cases)
    {
        List<(string Name, string? Failure, string Message)> list = cases.ToList();
        XElement testsuite = new("testsuite",
            new XAttribute("name", suite),
            new XAttribute("tests", list.Count),
            new XAttribute("failures", list.Count(c => c.Failure is not null)),
            new XAttribute("errors", 0),
            new XAttribute("time", seconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)),
            list.Select(c => new XElement("testcase",
                new XAttribute("classname", suite),
                new XAttribute("name", c.Name),
                c.Failure is { } type ? new XElement("failure", new XAttribute("message", c.Message), new XAttribute("type", type), c.Message) : new XElement("system-out", c.Message))));
        try
        {
            // UTF-8 without a byte-order mark: some CI parsers choke on one.
            using System.Xml.XmlWriter writer = System.Xml.XmlWriter.Create(path, new System.Xml.XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false), Indent = true });
            new XDocument(new XElement("testsuites", testsuite)).Save(writer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeakHoundException($"cannot write --junit '{path}': {e.Message}");
        }
    }

    public static (string Name, string? Failure, string Message) FromVerdict(SeriesVerdict v) =>
        (v.Series, v.Verdict == Verdict.Leak ? "leak" : SoakOutcome.MayBeRising(v) ? "inconclusive" : null, $"{v.Verdict.ToName()}: {VerdictText.Rate(v)}; {v.Reason}");
}
