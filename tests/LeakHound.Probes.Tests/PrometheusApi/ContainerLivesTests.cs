using LeakHound.Probes.PrometheusApi;

namespace LeakHound.Probes.Tests.PrometheusApi;

/// <summary>cAdvisor's series of a container's lives joined into one, in time order, with a restart where each new life begins.</summary>
public sealed class ContainerLivesTests
{
    private static RangeSeries Life(string id, string container, double[] t, double[] v) => new(
        new Dictionary<string, string> { ["__name__"] = "container_memory_working_set_bytes", ["namespace"] = "shop", ["pod"] = "cart-0", ["container"] = container, ["id"] = $"/kubepods/{id}", ["name"] = id, ["image"] = "cart:1" },
        t, v);

    [Fact]
    public void TwoLives_AreOneSeries_TheNewerWinsWhereTheOldOnesStaleRepeatsOverlap()
    {
        ContainerLives lives = new();
        // The old life ends at t=3; Prometheus repeats its last value for the lookback (t=4, 5) while the new one starts at t=4.
        var (page, restarts) = lives.Join([Life("b", "cart", [4, 5, 6], [10, 11, 12]), Life("a", "cart", [1, 2, 3, 4, 5], [50, 60, 70, 70, 70])]);

        RangeSeries joined = Assert.Single(page);
        Assert.Equal([1, 2, 3, 4, 5, 6], joined.T);
        Assert.Equal([50, 60, 70, 10, 11, 12], joined.V);
        Assert.False(joined.Labels.ContainsKey("id"));
        Assert.Equal("cart-0", joined.Labels["pod"]);
        Assert.Equal((joined.Key, 4.0), Assert.Single(restarts));
        Assert.Equal(1, lives.Restarts[joined.Key]);
    }

    [Fact]
    public void ALifeGoesOnAcrossPages_AndANewOneOnTheNextPageIsARestart()
    {
        ContainerLives lives = new();
        lives.Join([Life("a", "cart", [1, 2], [5, 6])]);

        var (same, none) = lives.Join([Life("a", "cart", [3, 4], [7, 8])]);
        Assert.Empty(none);
        Assert.Equal([3, 4], Assert.Single(same).T);

        var (next, restarts) = lives.Join([Life("a", "cart", [5], [9]), Life("b", "cart", [6, 7], [1, 2])]);
        Assert.Equal([5, 6, 7], Assert.Single(next).T);
        Assert.Equal(6, Assert.Single(restarts).T);
    }

    [Fact]
    public void OtherContainers_AndSeriesThatAreNoContainersLives_StayApart()
    {
        ContainerLives lives = new();
        RangeSeries plain = new(new Dictionary<string, string> { ["instance"] = "a:1" }, [1], [1]);

        var (page, restarts) = lives.Join([Life("a", "cart", [1], [1]), Life("b", "web", [1], [1]), plain]);

        Assert.Equal(3, page.Count);
        Assert.Empty(restarts);
        Assert.Contains(page, p => p.Key == plain.Key);
    }
}
