using System.Xml.Linq;
using LeakHound.Core.Verdicts;

namespace LeakHound.Cli.Soak;

/// <summary>JUnit XML: one test case per signal, failing with the rate when it leaks, so CI systems show it natively.</summary>
public static class JUnitReport
{
    public static void Write(string path, string suite, double seconds, IEnumerable<(string Name, bool Leaks, string Message)> cases)
    {
        List<(string Name, bool Leaks, string Message)> list = cases.ToList();
        XElement testsuite = new("testsuite",
            new XAttribute("name", suite),
            new XAttribute("tests", list.Count),
            new XAttribute("failures", list.Count(c => c.Leaks)),
            new XAttribute("errors", 0),
            new XAttribute("time", seconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)),
            list.Select(c => new XElement("testcase",
                new XAttribute("classname", suite),
                new XAttribute("name", c.Name),
                c.Leaks ? new XElement("failure", new XAttribute("message", c.Message), new XAttribute("type", "leak"), c.Message) : new XElement("system-out", c.Message))));
        try
        {
            new XDocument(new XElement("testsuites", testsuite)).Save(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeakHoundException($"cannot write --junit '{path}': {e.Message}");
        }
    }

    public static (string Name, bool Leaks, string Message) FromVerdict(SeriesVerdict v) =>
        (v.Series, v.Verdict == Verdict.Leak, $"{v.Verdict.ToName()}: {VerdictText.Rate(v)}; {v.Reason}");
}
