using LeakHound.Probes.Prometheus;

namespace LeakHound.Probes.Tests.Prometheus;

public sealed class ExpositionParserTests
{
    /// <summary>A page as the Go client library writes it (text format 0.0.4), trimmed.</summary>
    private const string GoClientPage = """
        # HELP go_gc_duration_seconds A summary of the pause duration of garbage collection cycles.
        # TYPE go_gc_duration_seconds summary
        go_gc_duration_seconds{quantile="0"} 2.3718e-05
        go_gc_duration_seconds{quantile="0.5"} 4.8362e-05
        go_gc_duration_seconds{quantile="1"} 0.000368504
        go_gc_duration_seconds_sum 0.012591253
        go_gc_duration_seconds_count 187
        # HELP go_goroutines Number of goroutines that currently exist.
        # TYPE go_goroutines gauge
        go_goroutines 42
        # HELP go_memstats_heap_inuse_bytes Number of heap bytes that are in use.
        # TYPE go_memstats_heap_inuse_bytes gauge
        go_memstats_heap_inuse_bytes 8.757248e+06
        # HELP http_request_duration_seconds A histogram of the request duration.
        # TYPE http_request_duration_seconds histogram
        http_request_duration_seconds_bucket{handler="/api",le="0.05"} 24054
        http_request_duration_seconds_bucket{handler="/api",le="+Inf"} 144320
        http_request_duration_seconds_sum{handler="/api"} 53423
        http_request_duration_seconds_count{handler="/api"} 144320
        # HELP process_open_fds Number of open file descriptors.
        # TYPE process_open_fds gauge
        process_open_fds 17
        # HELP promhttp_metric_handler_requests_total Total number of scrapes by HTTP status code.
        # TYPE promhttp_metric_handler_requests_total counter
        promhttp_metric_handler_requests_total{code="200"} 3 1700000000000
        """;

    /// <summary>An OpenMetrics page with units, exemplars, _created and EOF.</summary>
    private const string OpenMetricsPage = """
        # TYPE acme_http_router_request_seconds summary
        # UNIT acme_http_router_request_seconds seconds
        # HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
        acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
        acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
        acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0
        # TYPE foo counter
        foo_total{a="b"} 17.0 1520879607.789 # {trace_id="oHg5SJYRHA0"} 9.8 1520879602.890
        foo_created{a="b"} 1520872607.123
        # TYPE temp gauge
        temp{room="lab"} NaN
        temp{room="sun"} +Inf
        temp{room="ice"} -Inf
        # EOF
        """;

    [Fact]
    public void Parse_GoClientPage_TypesAndValues()
    {
        List<MetricSample> samples = ExpositionParser.Parse(GoClientPage);

        MetricSample goroutines = samples.Single(s => s.Name == "go_goroutines");
        Assert.Equal(42, goroutines.Value);
        Assert.Equal(MetricType.Gauge, goroutines.Type);
        Assert.False(goroutines.IsCumulative);

        MetricSample bucket = samples.First(s => s.Name == "http_request_duration_seconds_bucket");
        Assert.Equal(MetricType.Histogram, bucket.Type);
        Assert.True(bucket.IsCumulative);
        Assert.Equal("http_request_duration_seconds_bucket{handler=\"/api\",le=\"0.05\"}", bucket.SeriesName);

        MetricSample summaryCount = samples.Single(s => s.Name == "go_gc_duration_seconds_count");
        Assert.Equal(MetricType.Summary, summaryCount.Type);
        Assert.True(summaryCount.IsCumulative);
        Assert.False(samples.First(s => s.Name == "go_gc_duration_seconds").IsCumulative); // quantiles are gauges

        MetricSample counter = samples.Single(s => s.Name == "promhttp_metric_handler_requests_total");
        Assert.Equal(MetricType.Counter, counter.Type);
        Assert.Equal(1700000000000, counter.TimestampMs);
        Assert.Equal(8.757248e+06, samples.Single(s => s.Name == "go_memstats_heap_inuse_bytes").Value);
        Assert.Equal(13, samples.Count);
    }

    [Fact]
    public void Parse_OpenMetrics_ExemplarsSkippedSpecialValuesKept()
    {
        List<MetricSample> samples = ExpositionParser.Parse(OpenMetricsPage);

        MetricSample foo = samples.Single(s => s.Name == "foo_total");
        Assert.Equal(17, foo.Value);
        Assert.Equal(MetricType.Counter, foo.Type);
        Assert.True(foo.IsCumulative);
        Assert.False(samples.Single(s => s.Name == "foo_created").IsCumulative);
        Assert.True(double.IsNaN(samples.Single(s => s.SeriesName == "temp{room=\"lab\"}").Value));
        Assert.Equal(double.PositiveInfinity, samples.Single(s => s.SeriesName == "temp{room=\"sun\"}").Value);
        Assert.Equal(double.NegativeInfinity, samples.Single(s => s.SeriesName == "temp{room=\"ice\"}").Value);
        Assert.Equal("acme_http_router_request_seconds_sum{method=\"GET\",path=\"/api/v1\"}", samples[0].SeriesName);
    }

    [Fact]
    public void Parse_EscapedLabelValues_UnescapedThenReescapedInSeriesName()
    {
        List<MetricSample> samples = ExpositionParser.Parse("build_info{version=\"1.0 \\\"beta\\\"\",path=\"C:\\\\srv\\nnext\",empty=\"\"} 1\n");

        MetricSample s = Assert.Single(samples);
        Assert.Equal("1.0 \"beta\"", s.Labels[0].Value);
        Assert.Equal("C:\\srv\nnext", s.Labels[1].Value);
        Assert.Equal("", s.Labels[2].Value);
        Assert.Equal("build_info{empty=\"\",path=\"C:\\\\srv\\nnext\",version=\"1.0 \\\"beta\\\"\"}", s.SeriesName);
    }

    [Fact]
    public void Parse_CommaAndSpaceInsideLabelValue_AndTrailingComma()
    {
        MetricSample s = Assert.Single(ExpositionParser.Parse("m{a=\"x, y} z\",} 2\r\n"));
        Assert.Equal("x, y} z", s.Labels[0].Value);
        Assert.Equal(2, s.Value);
    }

    [Theory]
    [InlineData("go_goroutines{oops 12\n", "line 1")]
    [InlineData("ok 1\ngo_goroutines twelve\n", "line 2: value 'twelve' is not a number")]
    [InlineData("m{a=\"unterminated} 1\n", "unterminated value")]
    [InlineData("m{a=\"bad \\q escape\"} 1\n", "invalid escape")]
    [InlineData("m{a=unquoted} 1\n", "needs a quoted value")]
    [InlineData("9lives 1\n", "expected a metric name")]
    [InlineData("m 1 notatime\n", "timestamp")]
    [InlineData("m\n", "expected a space and a value")]
    [InlineData("# TYPE m sometype\nm 1\n", "unknown metric type")]
    [InlineData("<html><body>Bad Gateway</body></html>\n", "line 1")]
    public void Parse_Malformed_ThrowsNamingTheLine(string page, string expected)
    {
        ExpositionFormatException e = Assert.Throws<ExpositionFormatException>(() => ExpositionParser.Parse(page));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void CounterRates_FirstIsNull_ThenRate_ResetCountsFromZero()
    {
        CounterRates rates = new();
        Assert.Null(rates.Next("c", 0, 100));
        Assert.Equal(5, rates.Next("c", 2, 110));
        Assert.Equal(3, rates.Next("c", 3, 3)); // process restarted: the counter began again at 0
    }
}
