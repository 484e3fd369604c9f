using LeakHound.Watching;

namespace LeakHound.Cli.Soak;

/// <summary>A soak's JUnit file, written from the watch's result as it ends (after the final verdicts are shown).</summary>
/// <param name="path">The file to write.</param>
/// <param name="suite">The test suite's name.</param>
/// <param name="extraSeconds">Time spent before the watch (the warm-up under load), counted in the suite's time.</param>
/// <param name="cases">The test cases of the result: one per signal, or one per comparison against a base.</param>
internal sealed class JUnitSink(string path, string suite, double extraSeconds, Func<WatchResult, IEnumerable<(string Name, string? Failure, string Message)>> cases)
    : IWatchSink
{
    public Task OnEndAsync(WatchResult result)
    {
        JUnitReport.Write(path, suite, extraSeconds + result.DurationSeconds, cases(result));
        return Task.CompletedTask;
    }
}
