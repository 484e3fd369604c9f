using System.Runtime.CompilerServices;

namespace LeakHound.Testing.Tests;

public sealed class ObjectTrackerTests
{
    private sealed class Subscriber
    {
        public void OnEvent(object? sender, EventArgs e)
        {
        }
    }

    private static event EventHandler? Published;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ObjectTracker SubscribeAndForget(bool unsubscribe)
    {
        Subscriber s = new();
        Published += s.OnEvent;
        Published?.Invoke(null, EventArgs.Empty);
        if (unsubscribe)
        {
            Published -= s.OnEvent;
        }

        return LeakCheck.Track(s, "the subscriber");
    }

    [Fact]
    public void AssertCollected_ForgottenSubscription_Fails()
    {
        ObjectTracker tracker = SubscribeAndForget(unsubscribe: false);
        try
        {
            LeakDetectedException e = Assert.Throws<LeakDetectedException>(tracker.AssertCollected);
            Assert.Contains("the subscriber is still alive", e.Message);
        }
        finally
        {
            Published = null;
        }
    }

    [Fact]
    public void AssertCollected_Unsubscribed_Passes()
    {
        ObjectTracker tracker = SubscribeAndForget(unsubscribe: true);
        tracker.AssertCollected();
        Assert.False(tracker.IsAlive);
    }
}
