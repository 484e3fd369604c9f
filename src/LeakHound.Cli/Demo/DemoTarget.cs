namespace LeakHound.Cli.Demo;

/// <summary>
/// Small programs that behave like the services in the incident reports, used by <c>leakhound demo</c> and the tests.
/// Each runs a bounded loop: it stops by itself after <see cref="TargetSettings.MaxSeconds"/> and never grows past
/// <see cref="TargetSettings.MaxBytes"/>.
/// </summary>
internal static class DemoTarget
{
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>
    {
        ["leak"] = "WAV broadcaster: buffers a stream nobody consumes (like wav-broadcaster-unconsumed-stream)",
        ["sawtooth"] = "healthy churn: fills big buffers and releases them all, again and again",
        ["plateau"] = "bounded cache warming up to its capacity, then evicting (LRU)",
        ["step"] = "loads a lookup table once, a while after start, then stays flat",
        ["fdleak"] = "opens a file per request and never closes it (like media-route-stream-cleanup)",
        ["threadleak"] = "starts a thread per reconnect that never ends (like reconnect-goroutine-leak)",
        ["threadpool"] = "a constant pool of worker threads, healthy twin of threadleak",
        ["contactcache"] = "static contact cache without limit or expiry (like message-queue-unbounded-cache)",
        ["contactcache-lru"] = "the fixed twin: an LRU contact cache of 1,000 entries",
        ["handlers"] = "subscribes an event handler on every reconnect and never removes it",
        ["timers"] = "starts a keep-alive timer per connection and never disposes it",
        ["lohgarbage"] = "healthy: a large buffer per request, dropped at once; it waits in the LOH for a full GC",
    };

    public static async Task<int> RunAsync(string kind, TargetSettings settings, CancellationToken cancel)
    {
        using CancellationTokenSource bounded = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        bounded.CancelAfter(TimeSpan.FromSeconds(settings.MaxSeconds));
        try
        {
            ITargetBehaviour behaviour = kind switch
            {
                "leak" => new UnconsumedBroadcast(settings),
                "sawtooth" => new ChurningBuffers(settings),
                "plateau" => new WarmingCache(settings),
                "step" => new OneTimeLoad(settings),
                "fdleak" => new LeakedFiles(settings),
                "threadleak" => new LeakedThreads(settings, leak: true),
                "threadpool" => new LeakedThreads(settings, leak: false),
                "contactcache" => new UnboundedContactCache(settings),
                "contactcache-lru" => new LruContactCache(settings),
                "handlers" => new LeakedSubscriptions(settings),
                "timers" => new LeakedTimers(settings),
                "lohgarbage" => new LargeGarbage(settings),
                _ => throw new ArgumentException($"unknown target kind '{kind}'"),
            };
            Console.Error.WriteLine($"[{kind}] pid {Environment.ProcessId}: {Kinds[kind]}");
            using PeriodicTimer timer = new(TimeSpan.FromSeconds(settings.TickSeconds));
            long tick = 0;
            double lastFullGc = 0;
            System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
            while (await timer.WaitForNextTickAsync(bounded.Token))
            {
                behaviour.Tick(tick++);
                if (settings.FullGcEverySeconds > 0 && clock.Elapsed.TotalSeconds - lastFullGc >= settings.FullGcEverySeconds)
                {
                    // A service's full collections come every few minutes; a test at 100× pace asks for them.
                    lastFullGc = clock.Elapsed.TotalSeconds;
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // time is up or we were asked to stop
        }

        return 0;
    }
}

/// <summary>Pace and bounds of a demo target.</summary>
internal sealed record TargetSettings
{
    /// <summary>Seconds between ticks (one "request", "chunk" or "reconnect" per tick).</summary>
    public double TickSeconds { get; init; } = 0.1;

    /// <summary>Bytes a leaking target keeps per tick.</summary>
    public int BytesPerTick { get; init; } = 256 * 1024;

    /// <summary>Ticks per sawtooth cycle, per leaked thread/file, or until the cache is full.</summary>
    public int Period { get; init; } = 30;

    public double MaxSeconds { get; init; } = 600;

    public long MaxBytes { get; init; } = 1L << 30;

    /// <summary>Seconds between full collections the target forces (0: the GC decides).</summary>
    public double FullGcEverySeconds { get; init; }
}

internal interface ITargetBehaviour
{
    void Tick(long tick);
}

/// <summary>Writes every byte of a buffer so the memory is resident, not just reserved.</summary>
internal static class Touch
{
    public static byte[] Filled(int size, long seed)
    {
        byte[] b = GC.AllocateUninitializedArray<byte>(size);
        new Random((int)seed).NextBytes(b);
        return b;
    }
}

internal sealed class UnconsumedBroadcast(TargetSettings s) : ITargetBehaviour
{
    private readonly List<byte[]> _unconsumed = [];
    private long _held;
    private readonly ChurningBuffers _normalWork = new(s with { BytesPerTick = s.BytesPerTick / 2, Period = Math.Max(3, s.Period / 3) });

    public void Tick(long tick)
    {
        _normalWork.Tick(tick);
        if (_held + s.BytesPerTick <= s.MaxBytes)
        {
            _unconsumed.Add(Touch.Filled(s.BytesPerTick, tick)); // no client: the chunk stays queued forever
            _held += s.BytesPerTick;
        }
    }
}

/// <summary>Fills buffers for a cycle, then releases them all: resident memory saws up and drops back.</summary>
internal sealed class ChurningBuffers(TargetSettings s) : ITargetBehaviour
{
    private readonly List<NativeBlock> _blocks = [];

    public void Tick(long tick)
    {
        if (tick % s.Period == s.Period - 1)
        {
            _blocks.ForEach(b => b.Dispose());
            _blocks.Clear();
            return;
        }

        _blocks.Add(new NativeBlock(s.BytesPerTick * 2, (byte)(tick | 1)));
    }
}

/// <summary>
/// Healthy: a warm cache of <see cref="TargetSettings.Period"/> large buffers loaded at start, then each request reads into
/// a large (LOH) buffer and drops it. The buffer is garbage at once, but large objects are only collected by full
/// collections, and a big live heap makes the GC put those off: the managed heap climbs between them.
/// </summary>
internal sealed class LargeGarbage(TargetSettings s) : ITargetBehaviour
{
    private readonly List<byte[]> _cache = [];
    private long _checksum;

    public void Tick(long tick)
    {
        while (_cache.Count < s.Period && (long)(_cache.Count + 1) * s.BytesPerTick <= s.MaxBytes)
        {
            _cache.Add(Touch.Filled(s.BytesPerTick, _cache.Count));
        }

        _checksum += Touch.Filled(s.BytesPerTick, tick)[^1];
    }
}

/// <summary>A cache that fills one entry per tick up to its capacity, then evicts the least recently used entry.</summary>
internal sealed class WarmingCache(TargetSettings s) : ITargetBehaviour
{
    private readonly LinkedList<NativeBlock> _lru = new();

    public void Tick(long tick)
    {
        _lru.AddFirst(new NativeBlock(s.BytesPerTick, (byte)(tick | 1)));
        if (_lru.Count > s.Period)
        {
            _lru.Last!.Value.Dispose(); // bounded: the oldest entry is evicted
            _lru.RemoveLast();
        }
    }
}

internal sealed class OneTimeLoad(TargetSettings s) : ITargetBehaviour
{
    private byte[]? _table;

    public void Tick(long tick)
    {
        if (tick == s.Period * 3)
        {
            _table = Touch.Filled(s.BytesPerTick * s.Period, tick);
        }

        GC.KeepAlive(_table);
    }
}

internal sealed class LeakedFiles(TargetSettings s) : ITargetBehaviour, IDisposable
{
    private readonly List<FileStream> _open = [];
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"leakhound-fdleak-{Environment.ProcessId}.dat");

    public void Tick(long tick)
    {
        if (tick % Math.Max(1, s.Period / 10) != 0 || _open.Count >= 5000)
        {
            return;
        }

        if (!File.Exists(_path))
        {
            File.WriteAllBytes(_path, new byte[4096]);
        }

        _open.Add(new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)); // never disposed
    }

    public void Dispose() => File.Delete(_path);
}

internal sealed class LeakedThreads(TargetSettings s, bool leak) : ITargetBehaviour
{
    private readonly List<Thread> _threads = [];
    private readonly ManualResetEventSlim _never = new();

    public void Tick(long tick)
    {
        int every = Math.Max(1, s.Period / 10);
        if (tick % every != 0 || _threads.Count >= 2000)
        {
            return;
        }

        if (!leak && _threads.Count >= 4)
        {
            return; // a fixed pool
        }

        Thread t = new(() => _never.Wait()) { IsBackground = true, Name = "confirm-handler" };
        t.Start();
        _threads.Add(t);
    }
}
