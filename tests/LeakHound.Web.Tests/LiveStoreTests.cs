using System.Text.Json;
using LeakHound.Core.Verdicts;

namespace LeakHound.Web.Tests;

public sealed class LiveStoreTests
{
    [Fact]
    public void ARestartDuringTheWatch_IsOnTheDashboardsTimeLine()
    {
        LiveStore store = new();
        LiveStoreSink sink = new(store);

        ((Watching.IWatchSink)sink).OnMark(null!, new Core.Series.TimelineMark(42, Core.Series.TimelineMark.Restart, 0));

        Core.Series.TimelineMark mark = Assert.Single(store.Read().Marks);
        Assert.Equal((42.0, "restart"), (mark.T, mark.Kind));
    }

    [Fact]
    public void Points_AreBoundedPerSeries_KeepingTheNewest()
    {
        LiveStore store = Stores.Leaking(out _, rounds: LiveStore.PointsPerSeries + 500);

        LiveStore.SeriesSnapshot rss = store.Read().Series.Single(s => s.Name == "rss");
        Assert.Equal(LiveStore.PointsPerSeries, rss.Points.Length);
        Assert.Equal(LiveStore.PointsPerSeries + 499, rss.Points[^1].T);
        Assert.True(rss.Points.Zip(rss.Points.Skip(1)).All(p => p.First.T < p.Second.T));
    }

    [Fact]
    public void Rounds_CarryTheirPoints_AndVerdictChangesOnce()
    {
        List<JsonElement> rounds = [];
        LiveStore store = new();
        store.RoundCompleted += m => rounds.Add(JsonDocument.Parse(m).RootElement.Clone());
        int target = store.AddTarget("t", null);
        SeriesVerdict Say(Verdict v) => new() { Series = "rss", Verdict = v, Reason = "r" };

        store.Append(target, 1, "rss", 10);
        store.EndRound(target, [Say(Verdict.Insufficient)], false);
        store.Publish();
        store.Append(target, 2, "rss", 11);
        store.EndRound(target, [Say(Verdict.Leak)], false);
        store.Publish();
        store.Append(target, 3, "rss", 12);
        store.EndRound(target, [Say(Verdict.Leak)], false);
        store.Publish();

        Assert.Equal(3, rounds.Count);
        Assert.Equal(2, rounds[1].GetProperty("points")[0][1].GetDouble());
        Assert.Empty(rounds[0].GetProperty("changes").EnumerateArray());
        JsonElement change = Assert.Single(rounds[1].GetProperty("changes").EnumerateArray());
        Assert.Equal("insufficient", change.GetProperty("from").GetString());
        Assert.Equal("leak", change.GetProperty("to").GetString());
        Assert.Empty(rounds[2].GetProperty("changes").EnumerateArray());
    }

    [Fact]
    public void SeriesBeyondTheCap_AreDropped_NotGrown()
    {
        LiveStore store = new();
        int target = store.AddTarget("t", null);
        for (int i = 0; i < LiveStore.MaxSeries + 50; i++)
        {
            store.Append(target, 0, $"s{i}", i);
        }

        Assert.Equal(LiveStore.MaxSeries, store.Read().Series.Count);
    }

    [Fact]
    public void AnExplanation_GoesWithTheNextRoundOnly_AndStaysInTheState()
    {
        LiveStore store = new();
        int target = store.AddTarget("svc", 42);
        List<string> rounds = [];
        store.RoundCompleted += rounds.Add;
        store.Append(target, 1, "rss", 100);
        store.SetExplanations([new Watching.ExplanationTable("svc", [new Watching.ExplanationRow("System.Byte[]", 10, 500, 4_900_000, "static Queue → Byte[]")])]);
        store.Publish();
        store.Append(target, 2, "rss", 101);
        store.Publish();

        Assert.Equal(2, rounds.Count);
        SchemaCheck.Assert(rounds[0], "round");
        using JsonDocument first = JsonDocument.Parse(rounds[0]);
        JsonElement table = Assert.Single(first.RootElement.GetProperty("explanations").EnumerateArray());
        Assert.Equal("Heap diff: svc", table.GetProperty("title").GetString());
        Assert.Equal("static Queue → Byte[]", table.GetProperty("rows")[0].GetProperty("held_by").GetString());
        Assert.DoesNotContain("explanations", rounds[1]);
        Assert.Single(store.Read().Explanations);
    }
}
