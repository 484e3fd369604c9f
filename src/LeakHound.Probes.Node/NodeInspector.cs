using System.Globalization;
using System.Text.Json;
using LeakHound.Probes.Proc;

namespace LeakHound.Probes.Node;

/// <summary>
/// Reaches the inspector of a running Node.js process by its PID, without a restart: SIGUSR1 makes Node open it on
/// 127.0.0.1 (9229 unless the service chose another port), found among the ports <em>that process</em> listens on — not
/// whichever process holds 9229 — then its <c>/json/list</c> gives the session's id. Every way this fails is one
/// <see cref="NodeInspectorException"/> that says why.
/// </summary>
public static class NodeInspector
{
    /// <summary>Node's inspector port when the service chose none.</summary>
    public const int DefaultPort = 9229;

    /// <summary>Whether the process runs Node.js (its executable is named node…, or it calls itself node).</summary>
    public static bool IsNode(int pid)
    {
        string? exe = null;
        try
        {
            exe = new FileInfo($"/proc/{pid}/exe").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // another user's process: its name below
        }

        string name = exe is not null ? Path.GetFileName(exe.Replace(" (deleted)", "", StringComparison.Ordinal)) : ProcessNames.Of(pid);
        return name.StartsWith("node", StringComparison.Ordinal) || ProcessNames.Of(pid) is "node" or "nodejs";
    }

    /// <summary>
    /// Opens an inspector session on the process: the inspector already open (left open at the end), or one opened now
    /// with SIGUSR1 (closed again when the session is).
    /// </summary>
    /// <param name="pid">The Node.js process.</param>
    /// <param name="timeout">How long the inspector may take to open after the signal.</param>
    /// <param name="cancel">Ends the wait.</param>
    /// <exception cref="NodeInspectorException">Not a Node process, another network namespace, refused, port taken, no inspector.</exception>
    public static async Task<InspectorSession> AttachAsync(int pid, TimeSpan timeout, CancellationToken cancel)
    {
        if (!Directory.Exists($"/proc/{pid}"))
        {
            throw new NodeInspectorException($"no process with PID {pid}");
        }

        if (!IsNode(pid))
        {
            throw new NodeInspectorException($"PID {pid} ({ProcessNames.Of(pid)}) is not a Node.js process");
        }

        if (NetworkNamespace(pid) is { } theirs && NetworkNamespace(Environment.ProcessId) is { } ours && theirs != ours)
        {
            throw new NodeInspectorException($"PID {pid} is in another network namespace (a container?): its inspector would listen inside it; "
                + $"run leakhound there (nsenter -t {pid} -n leakhound …)");
        }

        if (await FindAsync(pid, cancel) is { } open)
        {
            return await InspectorSession.OpenAsync(pid, open.Port, open.Socket, openedByUs: false, cancel);
        }

        // SIGUSR1's default action ends a process: send it only to one that catches it (Node does, unless started with
        // --disable-sigusr1, or before its start-up installed the handler).
        if (CatchesSigusr1(pid) == false)
        {
            throw new NodeInspectorException($"PID {pid} does not catch SIGUSR1 (started with --disable-sigusr1, or still starting): "
                + "sending it would end the process, so no inspector is opened");
        }

        int refused = ProcessSignals.SendOrError(pid, ProcessSignals.SigUsr1);
        if (refused == ProcessSignals.Eperm)
        {
            throw new NodeInspectorException($"not permitted to signal PID {pid} (SIGUSR1 opens its inspector): run as its user or as root");
        }

        if (refused != 0)
        {
            throw new NodeInspectorException($"PID {pid} exited");
        }

        DateTime until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            await Task.Delay(100, cancel);
            if (await FindAsync(pid, cancel) is { } opened)
            {
                return await InspectorSession.OpenAsync(pid, opened.Port, opened.Socket, openedByUs: true, cancel);
            }

            if (!Directory.Exists($"/proc/{pid}"))
            {
                throw new NodeInspectorException($"PID {pid} exited after SIGUSR1 (started with --disable-sigusr1, whose SIGUSR1 ends it?)");
            }
        }

        if (ListeningPorts.Holders(DefaultPort).Where(h => h != pid).ToList() is [int holder, ..])
        {
            throw new NodeInspectorException($"port {DefaultPort} is taken by PID {holder} ({ProcessNames.Of(holder)}), so the inspector of PID {pid} could not open there: "
                + "stop that, or start the service with --inspect-port=<free port> (or --inspect=0)");
        }

        throw new NodeInspectorException($"PID {pid} opened no inspector within {timeout.TotalSeconds:0.#}s of SIGUSR1 "
            + "(started with --disable-sigusr1, or the program handles SIGUSR1 itself)");
    }

    /// <summary>The inspector among the process's listening ports: its port and its session's WebSocket, or null.</summary>
    internal static async Task<(int Port, Uri Socket)?> FindAsync(int pid, CancellationToken cancel)
    {
        using HttpClient http = new() { Timeout = TimeSpan.FromSeconds(1), MaxResponseContentBufferSize = 1 << 20 };
        foreach (int port in ListeningPorts.Of(pid))
        {
            try
            {
                // The inspector refuses a Host that is not an IP address or localhost: the loopback address is one.
                using JsonDocument list = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/json/list", cancel));
                foreach (JsonElement entry in list.RootElement.EnumerateArray())
                {
                    if (entry.TryGetProperty("type", out JsonElement type) && type.GetString() == "node"
                        && entry.TryGetProperty("id", out JsonElement id) && id.GetString() is { Length: > 0 } session)
                    {
                        return (port, new Uri($"ws://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(session)}"));
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or InvalidOperationException or TaskCanceledException && !cancel.IsCancellationRequested)
            {
                // not the inspector
            }
        }

        return null;
    }

    /// <summary>Whether the process has a handler for SIGUSR1 (<c>SigCgt</c> of its status); null when that cannot be read.</summary>
    public static bool? CatchesSigusr1(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("SigCgt:", StringComparison.Ordinal)
                    && ulong.TryParse(line["SigCgt:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong caught))
                {
                    return (caught & (1UL << (ProcessSignals.SigUsr1 - 1))) != 0;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // gone, or not ours to read
        }

        return null;
    }

    private static string? NetworkNamespace(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/ns/net").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
