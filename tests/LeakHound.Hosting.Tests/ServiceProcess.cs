using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace LeakHound.Hosting.Tests;

/// <summary>The sample ASP.NET Core service (samples/LeakHound.SampleService) as a real process on 127.0.0.1.</summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process, int port)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public HttpClient Client { get; }

    public int Pid => _process.Id;

    public string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    /// <summary>The sample service, built in the same configuration as these tests.</summary>
    public static string Dll => Repo.Built("samples/LeakHound.SampleService", "LeakHound.SampleService.dll");

    public static async Task<ServiceProcess> StartAsync(params string[] args)
    {
        int port = Repo.FreePort();
        ProcessStartInfo info = new("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        ServiceProcess service = new(Process.Start(info)!, port);
        service._process.OutputDataReceived += (_, e) => service.Append(e.Data);
        service._process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        service._process.BeginOutputReadLine();
        service._process.BeginErrorReadLine();

        Stopwatch waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (service._process.HasExited)
            {
                throw new InvalidOperationException($"the sample service exited with {service._process.ExitCode}:\n{service.Output}");
            }

            try
            {
                using HttpResponseMessage r = await service.Client.GetAsync("/health");
                return service;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        await service.DisposeAsync();
        throw new TimeoutException($"the sample service did not answer in 30 s:\n{service.Output}");
    }

    /// <summary>The /health document: overall status and the leakhound check's status and description.</summary>
    public async Task<(string Status, string Description, JsonElement Data)> HealthAsync()
    {
        using HttpResponseMessage r = await Client.GetAsync("/health");
        using JsonDocument doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        JsonElement check = doc.RootElement.GetProperty("checks").GetProperty("leakhound");
        return (doc.RootElement.GetProperty("status").GetString()!, check.GetProperty("description").GetString()!, check.GetProperty("data").Clone());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output) { _output.AppendLine(line); }
        }
    }
}
