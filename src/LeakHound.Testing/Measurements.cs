using LeakHound.Probes.Proc;

namespace LeakHound.Testing;

/// <summary>
/// The signals a leak check reads from its own process after each measured step: 0 managed heap after a full GC,
/// 1 threads, 2 open descriptors, 3 live timers. Preallocated, so that the check's own bookkeeping does not show up as
/// heap growth per iteration.
/// </summary>
internal sealed class Measurements(int capacity)
{
    private readonly double[] _iterations = new double[capacity];
    private readonly double[][] _values = [new double[capacity], new double[capacity], new double[capacity], new double[capacity]];
    private int _count;

    /// <summary>The iteration count at each measurement (0 first).</summary>
    public ReadOnlySpan<double> Iterations => _iterations.AsSpan(0, _count);

    public ReadOnlySpan<double> Values(int signal) => _values[signal].AsSpan(0, _count);

    public void Record(int iteration, ProcessTreeSampler self)
    {
        (double heap, double threads, double fds, double timers) = SelfSignals.Read(self);
        _iterations[_count] = iteration;
        _values[0][_count] = heap;
        _values[1][_count] = threads;
        _values[2][_count] = fds;
        _values[3][_count] = timers;
        _count++;
    }
}
