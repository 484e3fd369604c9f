using System.Diagnostics;
using LeakHound.Cli.Commands;
using LeakHound.Watching;
using LeakHound.Watching.Launch;

namespace LeakHound.Cli.Soak;

/// <summary>One service of a soak — the candidate, or its base — started, made ready, loaded and finally stopped.</summary>
internal sealed class SoakService : IAsyncDisposable
{
    private readonly CancellationTokenSource _loadStop = new();
    private Task _load = Task.CompletedTask;
    private double _loadCommandPerSecond = 10;

    private SoakService(string role, LaunchedProcess launched, WatchTarget target, HttpLoad? http, string[]? loadCommand)
    {
        Role = role;
        Launched = launched;
        Target = target;
        Http = http;
        LoadCommand = loadCommand;
    }

    /// <summary>"candidate" or "base".</summary>
    public string Role { get; }

    public LaunchedProcess Launched { get; }

    public WatchTarget Target { get; }

    public HttpLoad? Http { get; }

    public string[]? LoadCommand { get; }

    /// <summary>Starts <paramref name="argv"/> ({port} filled in), waits until it is ready, and prepares its target and load.</summary>
    public static async Task<SoakService> StartAsync(SoakSettings s, string role, string[] argv, int? port, CancellationToken cancel)
    {
        string[] command = s.Fill(argv, port);
        string? log = s.TargetLog is { } path && role != "candidate" ? path + "." + role : s.TargetLog;
        LaunchedProcess launched = LaunchedProcess.Start(command, stdoutToStderr: true, log);

        try
        {
            await WaitReadyAsync(s, launched, port, cancel);
            WatchSettings watch = s.WatchFor(port).Watch;
            string label = $"{(role == "candidate" ? "" : role + " ")}{Path.GetFileName(command[0])} ({launched.Pid})";
            WatchTarget target = WatchTarget.ForProcess(label, launched.Pid, watch, launched);
            target.Scrape(watch);
            HttpLoad? http = s.Load is { } l
                ? new HttpLoad(new Uri(s.Fill(l.Url, port)), l.PerSecond, l.Concurrency, l.AbortAfter, new HttpMethod(l.Method), l.Body, l.ContentType)
                : null;
            return new SoakService(role, launched, target, http, s.LoadCommand is { } lc ? s.Fill(lc, port) : null) { _loadCommandPerSecond = s.LoadCommandPerSecond };
        }
        catch
        {
            await launched.StopAsync(TimeSpan.FromSeconds(5));
            launched.Dispose();
            throw;
        }
    }

    /// <summary>Duration mode: drives the load until <see cref="DisposeAsync"/>.</summary>
    public void StartLoad() =>
        _load = Task.WhenAll(
            Http?.RunAsync(_loadStop.Token) ?? Task.CompletedTask,
            LoadCommand is null ? Task.CompletedTask : LoopCommandAsync(LoadCommand, _loadCommandPerSecond, _loadStop.Token));

    /// <summary>Iteration mode: one request and one run of the load command.</summary>
    public async Task IterateAsync(CancellationToken cancel)
    {
        if (Http is not null)
        {
            await Http.RequestOnceAsync(cancel);
        }

        if (LoadCommand is not null)
        {
            await RunOnceAsync(LoadCommand, cancel);
        }
    }

    public async Task StopLoadAsync()
    {
        _loadStop.Cancel();
        await _load.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Stops the load, then the service (cleanly), and only then releases them.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopLoadAsync();
        await Launched.StopAsync(TimeSpan.FromSeconds(5));
        Target.Dispose(); // the launched process with it
        Http?.Dispose();
        _loadStop.Dispose();
    }

    private static async Task WaitReadyAsync(SoakSettings s, LaunchedProcess launched, int? port, CancellationToken cancel)
    {
        if (s.ReadyUrl is { } template)
        {
            string readyUrl = s.Fill(template, port);
            using HttpClient http = new() { Timeout = TimeSpan.FromSeconds(2) };
            Stopwatch waited = Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                if (launched.HasExited)
                {
                    throw new LeakHoundException($"the target exited (code {launched.ExitCode}) before it was ready", ExitCode.Target);
                }

                try
                {
                    using HttpResponseMessage r = await http.GetAsync(readyUrl, cancel);
                    if (r.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
                {
                    // not listening yet
                }

                await Task.Delay(200, cancel);
            }

            throw new LeakHoundException($"the target did not answer {readyUrl} within 60 s", ExitCode.Target);
        }

        if (s.ReadyAfterSeconds is { } after)
        {
            await Task.Delay(TimeSpan.FromSeconds(after), cancel);
        }

        if (launched.HasExited)
        {
            throw new LeakHoundException($"the target exited (code {launched.ExitCode}) before the soak began", ExitCode.Target);
        }
    }

    /// <summary>
    /// Runs the load command over and over (duration mode) until stopped, starting it at most
    /// <paramref name="perSecond"/> times a second (a slower command runs again as soon as it ends).
    /// </summary>
    private static async Task LoopCommandAsync(string[] command, double perSecond, CancellationToken stop)
    {
        Stopwatch clock = Stopwatch.StartNew();
        long runs = 0;
        while (!stop.IsCancellationRequested)
        {
            await RunOnceAsync(command, stop);
            runs++;
            TimeSpan next = TimeSpan.FromSeconds(runs / perSecond) - clock.Elapsed;
            if (next > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(next, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static async Task RunOnceAsync(string[] command, CancellationToken stop)
    {
        ProcessStartInfo info = new(command[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        command.Skip(1).ToList().ForEach(info.ArgumentList.Add);
        Process p;
        try
        {
            p = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LeakHoundException($"--load-cmd: cannot start '{command[0]}': {e.Message}");
        }

        using (p)
        {
            Task drain = Task.WhenAll(p.StandardOutput.ReadToEndAsync(stop), p.StandardError.ReadToEndAsync(stop));
            try
            {
                await p.WaitForExitAsync(stop);
                await drain;
            }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
            }
        }
    }
}
