using LeakHound.Watching;

namespace LeakHound.Cli.Rendering;

/// <summary>
/// Notices on stderr, one line each (<c>leakhound: …</c>). While a live view holds the terminal they wait (it shows the
/// newest in its caption), and are printed once it is done, so nothing said during the watch is lost.
/// </summary>
internal sealed class NoticePrinter(TextWriter output, Func<bool> holding) : IWatchSink
{
    private const int MaxHeld = 100;
    private readonly Queue<string> _held = new();

    public void OnNotice(string message)
    {
        if (holding())
        {
            _held.Enqueue(message);
            if (_held.Count > MaxHeld)
            {
                _held.Dequeue();
            }

            return;
        }

        Flush();
        output.WriteLine($"leakhound: {message}");
    }

    public Task OnStoppedAsync(WatchEngine watch)
    {
        Flush();
        return Task.CompletedTask;
    }

    private void Flush()
    {
        while (!holding() && _held.TryDequeue(out string? message))
        {
            output.WriteLine($"leakhound: {message}");
        }
    }
}
