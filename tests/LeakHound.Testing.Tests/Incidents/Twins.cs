using System.Collections.Concurrent;

namespace LeakHound.Testing.Tests.Incidents;

// C# twins of the five incidents in ../shared/incidents, each with its leak and its fix.

/// <summary>wav-broadcaster-unconsumed-stream: chunks written to a broadcaster nobody reads.</summary>
public sealed class WavBroadcaster(bool fixedVersion)
{
    private readonly Queue<byte[]> _buffered = new();
    private readonly List<Action<byte[]>> _clients = [];

    public void OnChunk(byte[] chunk)
    {
        if (fixedVersion && _clients.Count == 0)
        {
            return; // the fix: drop data when there is no client
        }

        _buffered.Enqueue(chunk); // the bug: kept until a client reads it, and none ever does
        _clients.ForEach(c => c(chunk));
    }
}

/// <summary>media-route-stream-cleanup: a file stream per request, never destroyed when the client disconnects.</summary>
public sealed class MediaRoute(string file, bool fixedVersion)
{
    private static readonly ConcurrentDictionary<Guid, FileStream> s_inFlight = new();

    public static void CloseAll()
    {
        foreach (FileStream s in s_inFlight.Values)
        {
            s.Dispose();
        }

        s_inFlight.Clear();
    }

    /// <summary>Serves one request whose client disconnects half-way.</summary>
    public void ServeAbortedRequest()
    {
        Guid id = Guid.NewGuid();
        FileStream stream = new(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        s_inFlight[id] = stream; // removed on 'end', which never comes for an aborted client
        stream.ReadExactly(new byte[512]);
        if (fixedVersion)
        {
            s_inFlight.TryRemove(id, out _); // the fix: destroy the stream on 'close'
            stream.Dispose();
        }
    }
}

/// <summary>reconnect-goroutine-leak: each reconnect starts a confirm handler; the old one is never stopped.</summary>
public sealed class Publisher(bool fixedVersion) : IDisposable
{
    private CancellationTokenSource? _confirmsDone;
    private Task? _handler;
    private readonly List<CancellationTokenSource> _everyHandler = [];

    public void Reconnect()
    {
        if (fixedVersion && _confirmsDone is not null)
        {
            _confirmsDone.Cancel(); // the fix: stop the previous handler and wait for it to end
            _handler?.Wait();
            _confirmsDone.Dispose();
        }

        _confirmsDone = new CancellationTokenSource();
        if (!fixedVersion)
        {
            _everyHandler.Add(_confirmsDone);
        }

        CancellationToken token = _confirmsDone.Token;
        _handler = Task.Factory.StartNew(() =>
        {
            // handleConfirms: blocks until its connection is told to stop, which the leaky version never does
            token.WaitHandle.WaitOne();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public void Dispose()
    {
        _confirmsDone?.Cancel();
    }

    /// <summary>Test clean-up: ends the handlers the leaky version left behind.</summary>
    public static void StopAll(Publisher p)
    {
        p._everyHandler.ForEach(c => c.Cancel());
        p._confirmsDone?.Cancel();
    }
}

/// <summary>encoder-buffering-and-job-cache: completed job results cached forever.</summary>
public sealed class JobCache(bool fixedVersion, TimeProvider time)
{
    private readonly Dictionary<Guid, (DateTimeOffset Done, byte[] Result)> _results = [];

    public void Complete()
    {
        DateTimeOffset now = time.GetUtcNow();
        _results[Guid.NewGuid()] = (now, new byte[2048]);
        if (fixedVersion)
        {
            // the fix: clean results older than the retention on every completion
            foreach (Guid old in _results.Where(r => now - r.Value.Done > TimeSpan.FromMinutes(5)).Select(r => r.Key).ToList())
            {
                _results.Remove(old);
            }
        }
    }
}

/// <summary>message-queue-unbounded-cache: a contact cache with a 7-day TTL and no bound vs an LRU of 1,000 with a TTL.</summary>
public sealed class ContactCache(bool fixedVersion, TimeProvider time)
{
    private const int Capacity = 1000;
    private readonly Dictionary<string, LinkedListNode<(string Id, DateTimeOffset Expires, string Name)>> _index = [];
    private readonly LinkedList<(string Id, DateTimeOffset Expires, string Name)> _lru = new();
    private long _next;

    public void Lookup()
    {
        string id = $"+55 11 9{_next++:D8}";
        DateTimeOffset now = time.GetUtcNow();
        TimeSpan ttl = fixedVersion ? TimeSpan.FromMinutes(30) : TimeSpan.FromDays(7);
        _index[id] = _lru.AddFirst((id, now + ttl, $"Contact {id}"));
        if (fixedVersion)
        {
            while (_lru.Count > Capacity || (_lru.Last is { } last && last.Value.Expires < now))
            {
                _index.Remove(_lru.Last!.Value.Id);
                _lru.RemoveLast();
            }
        }
    }
}

/// <summary>A clock the tests advance by hand, so TTLs expire without waiting.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
