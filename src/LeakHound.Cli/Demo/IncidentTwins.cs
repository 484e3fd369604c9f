namespace LeakHound.Cli.Demo;

/// <summary>A contact, as cached by the message-queue service in the incident.</summary>
internal sealed class Contact(string id, string name, string phone)
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    public string Phone { get; } = phone;

    public DateTime ExpiresAt { get; } = DateTime.UtcNow.AddDays(7);
}

/// <summary>message-queue-unbounded-cache: a static contact cache without size limit or expiry clean-up.</summary>
internal sealed class UnboundedContactCache(TargetSettings s) : ITargetBehaviour
{
    internal static readonly Dictionary<string, Contact> s_contacts = [];

    public void Tick(long tick)
    {
        for (int i = 0; i < s.Period; i++)
        {
            string id = $"55119{tick:D6}{i:D3}";
            s_contacts[id] = new Contact(id, $"Contact {tick}-{i}", $"+55 11 9{tick % 10000:D4}-{i:D4}");
        }
    }
}

/// <summary>The fixed twin: an LRU with a capacity (the incident's fix: at most 1,000 contacts).</summary>
internal sealed class LruContactCache(TargetSettings s) : ITargetBehaviour
{
    private const int Capacity = 1000;
    internal static readonly Dictionary<string, LinkedListNode<Contact>> s_index = [];
    internal static readonly LinkedList<Contact> s_order = new();

    public void Tick(long tick)
    {
        for (int i = 0; i < s.Period; i++)
        {
            string id = $"55119{tick:D6}{i:D3}";
            s_index[id] = s_order.AddFirst(new Contact(id, $"Contact {tick}-{i}", $"+55 11 9{tick % 10000:D4}-{i:D4}"));
            if (s_order.Count > Capacity)
            {
                s_index.Remove(s_order.Last!.Value.Id);
                s_order.RemoveLast();
            }
        }
    }
}

/// <summary>The confirm handler of reconnect-goroutine-leak, here as an event subscriber.</summary>
internal sealed class ConfirmHandler(int connection)
{
    private readonly byte[] _window = new byte[256];

    public int Connection { get; } = connection;

    public void OnConfirm(object? sender, EventArgs e) => _window[0]++;
}

/// <summary>reconnect-goroutine-leak: every reconnect subscribes a handler to a static event and never unsubscribes.</summary>
internal sealed class LeakedSubscriptions(TargetSettings s) : ITargetBehaviour
{
    internal static event EventHandler? Confirms;

    private int _connections;

    public void Tick(long tick)
    {
        for (int i = 0; i < s.Period; i++)
        {
            Confirms += new ConfirmHandler(_connections++).OnConfirm; // the previous handler is never removed
        }

        Confirms?.Invoke(null, EventArgs.Empty);
    }
}

/// <summary>A keep-alive timer started per connection and never disposed.</summary>
internal sealed class LeakedTimers(TargetSettings s) : ITargetBehaviour
{
    public void Tick(long tick)
    {
        for (int i = 0; i < s.Period; i++)
        {
            KeepAlive keepAlive = new(i);
            _ = new Timer(keepAlive.Ping, null, TimeSpan.FromHours(1), TimeSpan.FromHours(1)); // rooted by the timer queue
        }
    }
}

/// <summary>State of one connection's keep-alive timer.</summary>
internal sealed class KeepAlive(int connection)
{
    public int Connection { get; } = connection;

    public void Ping(object? state)
    {
    }
}
