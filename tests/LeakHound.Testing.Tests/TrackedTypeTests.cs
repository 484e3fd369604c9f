namespace LeakHound.Testing.Tests;

public sealed class TrackedTypeTests
{
    public sealed class Session(int id)
    {
        public int Id { get; } = id;
    }

    private static readonly List<Session> s_sessions = [];

    [Fact]
    public async Task TrackedType_GrowingInstances_FailWithCountPerIteration()
    {
        int id = 0;
        try
        {
            LeakCheckResult r = await LeakCheck.MeasureAsync(100, 10, () => s_sessions.Add(new Session(id++)),
                new LeakCheckOptions().Tracking<Session>());

            SignalGrowth sessions = r.Signals.Single(s => s.Signal == "live Session instances");
            Assert.True(sessions.Leaks, r.Describe());
            Assert.Equal(1, sessions.PerIteration, 2);
        }
        finally
        {
            s_sessions.Clear();
        }
    }

    [Fact]
    public async Task TrackedType_ShortLivedInstances_Pass()
    {
        int sum = 0;
        LeakCheckResult r = await LeakCheck.RunAsync(100, 10, () => { sum += new Session(sum).Id; },
            new LeakCheckOptions().Tracking<Session>());

        Assert.False(r.Signals.Single(s => s.Signal == "live Session instances").Leaks, r.Describe());
    }
}
