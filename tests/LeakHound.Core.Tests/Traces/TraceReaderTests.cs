using LeakHound.Core.Traces;

namespace LeakHound.Core.Tests.Traces;

public sealed class TraceReaderTests
{
    private static Trace Read(string text) => TraceReader.Read(new StringReader(text));

    [Fact]
    public void Read_LongCsv_GroupsBySeries()
    {
        Trace t = Read("t_seconds,series,value\n0,rss,100\n0,fds,3\n1,rss,110\n1,fds,4\n");
        Assert.Equal(["rss", "fds"], t.SeriesNames);
        Assert.Equal(110, t["rss"][1].Value);
        Assert.Equal(4, t.SampleCount);
    }

    [Fact]
    public void Read_WideCsv_OneSeriesPerColumnAndEmptyCellsAreGaps()
    {
        Trace t = Read("t_seconds,rss,go_goroutines\n0,100,5\n1,,6\n2,120,nan\n");
        Assert.Equal(2, t["rss"].Count);
        Assert.Equal(2, t["go_goroutines"].Count);
    }

    [Fact]
    public void Read_QuotedSeriesWithLabels()
    {
        Trace t = Read("t_seconds,series,value\n0,\"rss{pid=\"\"7\"\",x=\"\"a,b\"\"}\",1\n");
        Assert.Equal("rss{pid=\"7\",x=\"a,b\"}", t.SeriesNames[0]);
    }

    [Fact]
    public void Read_JsonLines_AsWrittenByTraceWriter()
    {
        StringWriter text = new();
        TraceWriter writer = new(text, TraceFileFormat.JsonLines);
        writer.Write(0, "rss", 1e6);
        writer.Write(1.5, "rss{pid=\"3\"}", 2e6);
        writer.Flush();

        Trace t = Read(text.ToString());

        Assert.Equal(2, t.SeriesNames.Count);
        Assert.Equal(1.5, t["rss{pid=\"3\"}"][0].T);
    }

    [Fact]
    public void Read_CsvRoundTrip_ThroughTraceWriter()
    {
        StringWriter text = new();
        TraceWriter writer = new(text, TraceFileFormat.Csv);
        writer.Write(0.25, "a,b", 12345678901234);
        writer.Flush();

        Trace t = Read(text.ToString());

        Assert.Equal(12345678901234, t["a,b"][0].Value);
    }

    [Fact]
    public void Read_Unsorted_SortsAndCounts()
    {
        Trace t = Read("t_seconds,series,value\n2,rss,3\n0,rss,1\n1,rss,2\n");
        Assert.Equal([0.0, 1, 2], t["rss"].Select(s => s.T));
        Assert.Equal(1, t.OutOfOrderRows);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("\n\n", "empty")]
    [InlineData("t_seconds,series,value\n", "no samples")]
    [InlineData("time,value\n1,2\n", "line 1")]
    [InlineData("t_seconds,series,value\n0,rss,abc\n", "line 2: value 'abc' is not a number")]
    [InlineData("t_seconds,series,value\nx,rss,1\n", "line 2: time 'x' is not a number")]
    [InlineData("t_seconds,series,value\n0,rss\n", "line 2: expected 3 fields, found 2")]
    [InlineData("t_seconds,series,value\n0,rss,1e400\n", "line 2: value '1e400' is out of range")]
    [InlineData("t_seconds,series,value\n0,rss,-1e301\n", "out of range")]
    [InlineData("t_seconds,series,value\n0,\"rss,1\n", "line 2: unterminated quoted field")]
    [InlineData("{\"t_seconds\":0,\"series\":\"rss\",\"value\":1}\n{oops\n", "line 2: not valid JSON")]
    [InlineData("{\"t_seconds\":0,\"value\":1}\n", "line 1: missing string 'series'")]
    public void Read_BadInput_ThrowsWithLineAndReason(string text, string expected)
    {
        TraceFormatException e = Assert.Throws<TraceFormatException>(() => Read(text));
        Assert.Contains(expected, e.Message);
    }
}
