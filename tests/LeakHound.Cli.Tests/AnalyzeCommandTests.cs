using System.Globalization;
using System.Text;
using LeakHound.Core.Simulation;

namespace LeakHound.Cli.Tests;

public sealed class AnalyzeCommandTests
{
    private static string LongCsv(params (string Series, IEnumerable<(double T, double V)> Points)[] series)
    {
        StringBuilder csv = new("t_seconds,series,value\n");
        foreach ((string name, IEnumerable<(double T, double V)> points) in series)
        {
            foreach ((double t, double v) in points)
            {
                csv.Append(string.Create(CultureInfo.InvariantCulture, $"{t},{name},{v}\n"));
            }
        }

        return csv.ToString();
    }

    [Fact]
    public async Task Analyze_LeakUnderSawtooth_ExitsOneWithJsonFields()
    {
        string file = CliRunner.TempFile(LongCsv(
            ("rss", SyntheticSeries.Sawtooth(new Random(1), 1800, 1, 100e6, 50e6, 20, 20e3, 1e6)),
            ("fds", SyntheticSeries.Staircase(new Random(2), 1800, 1, 30, double.PositiveInfinity, 2))));

        // Half an hour bounds a still pool of descriptors under a negligible 100%/h, not under the default 1%/h.
        ProcessResult r = await CliRunner.RunAsync("analyze", file, "--format", "json", "--limit", "1GiB", "--negligible", "100%/h");

        Assert.True(r.ExitCode == 1, r.ToString());
        JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
        System.Text.Json.JsonElement rss = json.Series("rss");
        Assert.Equal("leak", rss.GetProperty("verdict").GetString());
        Assert.InRange(rss.GetProperty("slope_per_second").GetDouble(), 16e3, 24e3);
        double[] ci = rss.GetProperty("slope_ci95").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.True(ci[0] < 20e3 && 20e3 < ci[1] || Math.Abs(ci[0] - 20e3) < 4e3, $"CI {ci[0]}..{ci[1]}");
        Assert.True(rss.GetProperty("confidence").GetDouble() > 0.999);
        Assert.InRange(rss.GetProperty("detected_at_seconds").GetDouble(), 300, 1800);
        Assert.True(rss.GetProperty("time_to_limit_seconds").GetDouble() > 0);
        Assert.Equal("stable", json.Verdict("fds"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.Series("fds").GetProperty("detected_at_seconds").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.Series("fds").GetProperty("time_to_limit_seconds").ValueKind);
    }

    [Fact]
    public async Task Analyze_HealthyWideCsv_ExitsZero()
    {
        StringBuilder csv = new("t_seconds,rss,threads\n");
        foreach ((double t, double v) in SyntheticSeries.Sawtooth(new Random(3), 1200, 1, 80e6, 120e6, 15, 0, 1e6))
        {
            csv.Append(string.Create(CultureInfo.InvariantCulture, $"{t},{v},{12 + (int)t % 2}\n"));
        }

        ProcessResult r = await CliRunner.RunAsync("analyze", CliRunner.TempFile(csv.ToString()), "--format", "json", "--negligible", "50%/h");

        Assert.True(r.ExitCode == 0, r.ToString());
        JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
        Assert.Equal("sawtooth", json.Verdict("rss"));
        Assert.NotEqual("leak", json.Verdict("threads"));
    }

    [Fact]
    public async Task Analyze_TableOutput_NamesVerdictAndReason()
    {
        string file = CliRunner.TempFile(LongCsv(("go_goroutines", SyntheticSeries.Staircase(new Random(4), 1200, 1, 10, 10, 0))));

        ProcessResult r = await CliRunner.RunAsync("analyze", file);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("go_goroutines", r.Stdout);
        Assert.Contains("leak", r.Stdout);
        Assert.Contains("rises steadily", r.Stdout);
    }

    [Fact]
    public async Task Analyze_Unsorted_WarnsSortsAndStillJudges()
    {
        List<string> rows = SyntheticSeries.Staircase(new Random(5), 1200, 1, 10, 10, 0)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.T},fds,{p.Value}")).ToList();
        (rows[10], rows[500]) = (rows[500], rows[10]);
        string file = CliRunner.TempFile("t_seconds,series,value\n" + string.Join('\n', rows));

        ProcessResult r = await CliRunner.RunAsync("analyze", file, "--format", "json");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("out of time order", r.Stderr);
        Assert.Equal("leak", JsonVerdicts.Parse(r.Stdout).Verdict("fds"));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("t_seconds,series,value\n0,rss,12\n1,rss,zz\n", "line 3")]
    [InlineData("hello world\n1 2 3\n", "line 1")]
    [InlineData("t_seconds,series,value\n0,rss,1e999\n", "out of range")]
    [InlineData("t_seconds,series,value\n0,rss,5e300\n", "out of range")]
    [InlineData("{\"t_seconds\": 1, \"series\": \"rss\", \"value\": 1}\n{\"t_seconds\": }\n", "line 2")]
    public async Task Analyze_BadFile_OneLineErrorExitTwo(string content, string expected)
    {
        ProcessResult r = await CliRunner.RunAsync("analyze", CliRunner.TempFile(content));

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(expected, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public async Task Analyze_MissingFile_ExitTwo()
    {
        ProcessResult r = await CliRunner.RunAsync("analyze", "/nonexistent/trace.csv");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no such file", r.Stderr);
    }

    [Fact]
    public async Task Analyze_AFolder_SaysSo_NotPermissionDenied()
    {
        ProcessResult r = await CliRunner.RunAsync("analyze", Path.GetTempPath());

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is a folder, not a trace file", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Analyze_HugeButValidValues_AreJudged()
    {
        string file = CliRunner.TempFile(LongCsv(("big_bytes", SyntheticSeries.Staircase(new Random(6), 1200, 1, 0, 10, 0).Select(p => (p.T, 1e250 + p.Value * 1e240)))));

        ProcessResult r = await CliRunner.RunAsync("analyze", file, "--format", "json");

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal("leak", JsonVerdicts.Parse(r.Stdout).Verdict("big_bytes"));
        Assert.DoesNotContain("NaN", r.Stdout);
    }

    [Fact]
    public async Task Analyze_JsonLinesFromStdin()
    {
        StringBuilder lines = new();
        foreach ((double t, double v) in SyntheticSeries.Staircase(new Random(7), 1200, 1, 5, 15, 0))
        {
            lines.Append(string.Create(CultureInfo.InvariantCulture, $"{{\"t_seconds\":{t},\"series\":\"threads\",\"value\":{v}}}\n"));
        }

        ProcessResult r = await CliRunner.RunAsync(["analyze", "-", "--format", "json"], 60, lines.ToString());

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("leak", JsonVerdicts.Parse(r.Stdout).Verdict("threads"));
    }

    [Fact]
    public async Task UnknownOption_ExitTwo()
    {
        ProcessResult r = await CliRunner.RunAsync("analyze", "x.csv", "--frobnicate");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--frobnicate", r.Stderr);
    }
}
