namespace LeakHound.Testing;

/// <summary>
/// "This object must be gone now" (what dotMemory Unit's <c>GetObjects(...).ObjectsCount == 0</c> checks): holds only a
/// weak reference. Drop your own references before <see cref="AssertCollected"/>; in Debug builds the JIT may keep a
/// local alive until the method ends, so create the object in a separate method or run tests in Release.
/// </summary>
public sealed class ObjectTracker
{
    private readonly WeakReference _target;
    private readonly string _description;

    internal ObjectTracker(object target, string? description)
    {
        _target = new WeakReference(target);
        _description = description ?? $"the tracked {target.GetType().Name}";
    }

    /// <summary>True while the object is still reachable (after a full collection).</summary>
    public bool IsAlive
    {
        get
        {
            SelfSignals.FullCollect();
            return _target.IsAlive;
        }
    }

    /// <summary>Fails (throws <see cref="LeakDetectedException"/>) when the object survives a full, compacting collection.</summary>
    public void AssertCollected()
    {
        if (IsAlive)
        {
            throw new LeakDetectedException($"{_description} is still alive after a full garbage collection: something still references it (an event subscription, a static cache, a timer?). Run `leakhound heapdiff` on the process to see the retention path.");
        }
    }
}
