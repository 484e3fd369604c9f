using System.Text.Json;
using LeakHound.Probes.Proc;

namespace LeakHound.Probes.Node;

/// <summary>
/// A session on a Node.js process's inspector. An inspector that LeakHound opened (SIGUSR1) lets any local user run
/// code in the target, so closing the session closes the inspector again (<c>require('inspector').close()</c>, which
/// drops every connection) and checks that its port no longer listens.
/// </summary>
public sealed class InspectorSession : IAsyncDisposable
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(30);
    private readonly CdpConnection _connection;
    private bool _closed;

    private InspectorSession(int pid, int port, bool openedByUs, CdpConnection connection)
    {
        Pid = pid;
        Port = port;
        OpenedByUs = openedByUs;
        _connection = connection;
    }

    public int Pid { get; }

    /// <summary>Where the inspector listens (on 127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>True when LeakHound opened the inspector, and so closes it; false when it was open already (left so).</summary>
    public bool OpenedByUs { get; }

    internal static async Task<InspectorSession> OpenAsync(int pid, int port, Uri socket, bool openedByUs, CancellationToken cancel)
    {
        try
        {
            return new InspectorSession(pid, port, openedByUs, await CdpConnection.OpenAsync(socket, TimeSpan.FromSeconds(5), cancel));
        }
        catch (NodeInspectorException e) when (openedByUs)
        {
            throw new NodeInspectorException($"{e.Message} (the inspector opened on 127.0.0.1:{port} stays open: restart the service to close it)");
        }
    }

    /// <summary>Called for every event of the session (a snapshot's chunks), on the reading thread.</summary>
    internal Action<string, JsonElement>? OnEvent
    {
        get => _connection.OnEvent;
        set => _connection.OnEvent = value;
    }

    /// <exception cref="NodeInspectorException">Refused, broke, or no answer in time.</exception>
    public Task<JsonElement> SendAsync(string method, object? parameters, CancellationToken cancel, TimeSpan? timeout = null) =>
        _connection.SendAsync(method, parameters, timeout ?? s_commandTimeout, cancel);

    /// <summary>The value of a JavaScript expression evaluated in the target, as JSON text (the expression must give a string).</summary>
    /// <exception cref="NodeInspectorException">Refused, broke, threw, or gave no string.</exception>
    public async Task<string> EvaluateAsync(string expression, CancellationToken cancel)
    {
        JsonElement result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, includeCommandLineAPI = true, silent = true }, cancel);
        if (result.ValueKind != JsonValueKind.Object)
        {
            throw new NodeInspectorException($"'{expression}' gave no result");
        }

        if (result.TryGetProperty("exceptionDetails", out JsonElement thrown))
        {
            string text = thrown.TryGetProperty("exception", out JsonElement ex) && ex.TryGetProperty("description", out JsonElement d) ? d.GetString() ?? "" : thrown.GetRawText();
            throw new NodeInspectorException($"the target threw evaluating '{expression}': {Core.Text.OneLine.Of(text)}");
        }

        return result.TryGetProperty("result", out JsonElement r) && r.TryGetProperty("value", out JsonElement v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()! : throw new NodeInspectorException($"'{expression}' gave no string");
    }

    /// <summary>
    /// Ends the session; an inspector LeakHound opened is closed and checked to be. Throws when it still listens.
    /// </summary>
    /// <exception cref="NodeInspectorException">The inspector still listens after being closed.</exception>
    public async Task CloseAsync()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        if (OpenedByUs)
        {
            try
            {
                // The answer never comes: closing the inspector drops this very connection.
                Task<JsonElement> close = SendAsync("Runtime.evaluate", new { expression = "require('inspector').close()", includeCommandLineAPI = true }, CancellationToken.None, TimeSpan.FromSeconds(3));
                await Task.WhenAny(close, _connection.Closed).WaitAsync(TimeSpan.FromSeconds(3));
            }
            catch (Exception e) when (e is NodeInspectorException or TimeoutException)
            {
                // checked below
            }
        }

        await _connection.DisposeAsync();
        if (OpenedByUs && !await StoppedListeningAsync(Pid, Port))
        {
            throw new NodeInspectorException($"the inspector of PID {Pid} still listens on 127.0.0.1:{Port} after being closed");
        }
    }

    private static async Task<bool> StoppedListeningAsync(int pid, int port)
    {
        for (int i = 0; i < 30; i++)
        {
            if (!ListeningPorts.Of(pid).Contains(port))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return !Directory.Exists($"/proc/{pid}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync();
        }
        catch (NodeInspectorException)
        {
            // told by CloseAsync's callers; disposal must not throw
        }
    }
}
