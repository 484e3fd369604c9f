using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;

namespace LeakHound.Probes.Node;

/// <summary>
/// One Chrome DevTools Protocol session over a WebSocket: commands (<c>{id, method, params}</c>) answered by id, and
/// events (<c>{method, params}</c>) handed to whoever listens. Hand-written on <see cref="ClientWebSocket"/>: the
/// protocol is two JSON shapes, and no maintained .NET CDP client targets Node's inspector.
/// </summary>
internal sealed class CdpConnection : IAsyncDisposable
{
    /// <summary>Largest message read: a sampling profile of a big program is a few MB, a snapshot chunk ~100 KB.</summary>
    public const int MaxMessageBytes = 256 << 20;

    /// <summary>
    /// A sampling profile nests two JSON levels per stack frame (a node, its children), so a real program's deep stacks
    /// pass the reader's default of 64 at once. Reading stays iterative; only the bound moves.
    /// </summary>
    private static readonly JsonDocumentOptions s_deep = new() { MaxDepth = 4096 };

    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _waiting = new();
    private readonly Task _reading;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private int _nextId;

    private CdpConnection(ClientWebSocket socket)
    {
        _socket = socket;
        _reading = Task.Run(ReadLoopAsync);
    }

    /// <summary>Called for every event, on the reading thread (keep it short).</summary>
    public Action<string, JsonElement>? OnEvent { get; set; }

    /// <summary>Completes when the other side closed the socket (or it broke).</summary>
    public Task Closed => _reading;

    /// <exception cref="NodeInspectorException">The socket cannot be opened.</exception>
    public static async Task<CdpConnection> OpenAsync(Uri url, TimeSpan timeout, CancellationToken cancel)
    {
        ClientWebSocket socket = new();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using CancellationTokenSource limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        limit.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(url, limit.Token);
            return new CdpConnection(socket);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            socket.Dispose();
            throw new NodeInspectorException($"cannot open the inspector's WebSocket {url}: {Core.Text.OneLine.Of(e.Message)}");
        }
    }

    /// <summary>Sends a command and waits for its result.</summary>
    /// <exception cref="NodeInspectorException">The inspector answered with an error, closed, or did not answer in time.</exception>
    public async Task<JsonElement> SendAsync(string method, object? parameters, TimeSpan timeout, CancellationToken cancel)
    {
        int id = Interlocked.Increment(ref _nextId);
        TaskCompletionSource<JsonElement> answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = answer;
        byte[] message = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?> { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new { } });
        try
        {
            await _sending.WaitAsync(cancel);
            try
            {
                await _socket.SendAsync(message, WebSocketMessageType.Text, true, cancel);
            }
            finally
            {
                _sending.Release();
            }

            return await answer.Task.WaitAsync(timeout, cancel);
        }
        catch (TimeoutException)
        {
            throw new NodeInspectorException($"the inspector did not answer {method} within {timeout.TotalSeconds:0.#}s");
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
        {
            throw new NodeInspectorException($"the inspector's connection broke during {method}: {Core.Text.OneLine.Of(e.Message)}");
        }
        finally
        {
            _waiting.TryRemove(id, out _);
        }
    }

    private async Task ReadLoopAsync()
    {
        ArrayBufferWriter<byte> message = new(64 << 10);
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                ValueWebSocketReceiveResult received = await _socket.ReceiveAsync(message.GetMemory(64 << 10), _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Advance(received.Count);
                if (message.WrittenCount > MaxMessageBytes)
                {
                    throw new NodeInspectorException($"the inspector sent a message of more than {MaxMessageBytes >> 20} MiB");
                }

                if (received.EndOfMessage)
                {
                    Dispatch(message.WrittenMemory);
                    message.ResetWrittenCount();
                }
            }

            Fail("the inspector closed the connection");
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or NodeInspectorException or JsonException
            or InvalidOperationException) // a message of the wrong shape (a number where an object belongs)
        {
            Fail(e is NodeInspectorException ? e.Message : $"the inspector's connection ended: {Core.Text.OneLine.Of(e.Message)}");
        }
    }

    private void Dispatch(ReadOnlyMemory<byte> utf8)
    {
        using JsonDocument document = JsonDocument.Parse(utf8, s_deep);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new NodeInspectorException("the inspector sent a message that is not a JSON object");
        }
        if (root.TryGetProperty("id", out JsonElement idElement) && idElement.ValueKind == JsonValueKind.Number && idElement.TryGetInt32(out int id))
        {
            if (_waiting.TryGetValue(id, out TaskCompletionSource<JsonElement>? answer))
            {
                if (root.TryGetProperty("error", out JsonElement error))
                {
                    string text = error.TryGetProperty("message", out JsonElement m) ? m.GetString() ?? "" : error.GetRawText();
                    answer.TrySetException(new NodeInspectorException($"the inspector refused: {Core.Text.OneLine.Of(text)}"));
                }
                else
                {
                    answer.TrySetResult(root.TryGetProperty("result", out JsonElement result) ? result.Clone() : default);
                }
            }
        }
        else if (root.TryGetProperty("method", out JsonElement method) && OnEvent is { } listener)
        {
            listener(method.GetString() ?? "", root.TryGetProperty("params", out JsonElement p) ? p : default);
        }
    }

    private void Fail(string why)
    {
        foreach (TaskCompletionSource<JsonElement> waiting in _waiting.Values)
        {
            waiting.TrySetException(new NodeInspectorException(why));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using CancellationTokenSource limit = new(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", limit.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // closed anyway below
            }
        }

        await _stop.CancelAsync();
        _socket.Abort();
        await _reading;
        _socket.Dispose();
        _stop.Dispose();
        _sending.Dispose();
    }
}
