using System.Runtime.CompilerServices;

namespace LeakHound.Testing;

/// <summary>
/// What the process's other threads allocate while a leak check runs: all allocations minus the measuring thread's
/// own and minus the finalizer thread's. The heap after a full GC cannot grow by more than was allocated, so a growth
/// larger than the other threads' allocation is the action's. Only meaningful while the action stays on the measuring
/// thread.
/// </summary>
/// <remarks>
/// The finalizer thread is left out because the check's own collections make it work: after every full collection it
/// runs the runtime's gen2 callbacks (the shared array pool trims itself there), ≈2.5 KB of short-lived allocation
/// each, which would otherwise read as 0.5–1 MB of "other threads" in a 200-measurement run of a quiet process.
/// </remarks>
internal sealed class OtherThreadsAllocation
{
    private readonly int _thread = Environment.CurrentManagedThreadId;
    private readonly long? _finalizer = FinalizerThread.AllocatedBytes();
    private readonly long _total = GC.GetTotalAllocatedBytes(precise: true);
    private readonly long _own = GC.GetAllocatedBytesForCurrentThread();
    private bool _moved;

    public static OtherThreadsAllocation Start() => new();

    /// <summary>Notes when an awaited action resumed on another thread: its allocations are then spread over threads.</summary>
    public void StillOnTheSameThread() => _moved |= Environment.CurrentManagedThreadId != _thread;

    /// <summary>Bytes other threads allocated since the start; null when the action moved between threads or the
    /// finalizer thread could not be read.</summary>
    public double? Bytes()
    {
        if (_moved || Environment.CurrentManagedThreadId != _thread)
        {
            return null;
        }

        long own = GC.GetAllocatedBytesForCurrentThread() - _own;
        long total = GC.GetTotalAllocatedBytes(precise: true) - _total;
        long? finalizer = FinalizerThread.AllocatedBytes() - _finalizer;
        return finalizer is { } f ? Math.Max(0, total - own - f) : null;
    }

    /// <summary>Reads the finalizer thread's allocation counter from the one place that can: a finalizer.</summary>
    private sealed class FinalizerThread
    {
        private static long s_reading;
        private static int s_readings;

        ~FinalizerThread()
        {
            Volatile.Write(ref s_reading, GC.GetAllocatedBytesForCurrentThread());
            Interlocked.Increment(ref s_readings);
        }

        public static long? AllocatedBytes()
        {
            int before = Volatile.Read(ref s_readings);
            Drop();
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
            return Volatile.Read(ref s_readings) != before ? Volatile.Read(ref s_reading) : null;
        }

        // Not inlined, so that no reference to the probe stays on the caller's stack.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Drop() => _ = new FinalizerThread();
    }
}
