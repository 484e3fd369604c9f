using System.CommandLine;

namespace LeakHound.Cli.Soak;

/// <summary>The options of <c>soak</c> beside the watch options it shares with <c>run</c> and <c>watch</c>.</summary>
internal sealed class SoakOptions
{
    public Option<string> Target { get; } = new("--target") { Description = "The service to start, as one string (split like a shell would, but never run through one)", Required = true };
    public Option<string?> Baseline { get; } = new("--baseline")
    {
        Description = "The base build to compare with under the same load; with {port} in the commands and URLs both run side by side, each on a free port, else one after the other",
    };
    public Option<string?> ReadyUrl { get; } = new("--ready-url") { Description = "Wait until this URL answers 2xx before loading (up to 60 s)" };
    public Option<string?> ReadyAfter { get; } = new("--ready-after") { Description = "Or wait this long before loading, e.g. 5s" };
    public Option<string[]> Load { get; } = new("--load") { Description = "HTTP load: [METHOD] URL (GET unless given, or --method)", Arity = new ArgumentArity(1, 2), AllowMultipleArgumentsPerToken = true };
    public Option<string?> Method { get; } = new("--method") { Description = "HTTP method of --load: GET, POST, PUT, PATCH, DELETE …" };
    public Option<string?> Body { get; } = new("--body") { Description = "Request body of --load: text, or @FILE for a file's bytes (content type: JSON if it looks like JSON, else --content-type)" };
    public Option<string?> ContentType { get; } = new("--content-type") { Description = "Content-Type of --body" };
    public Option<string> Rate { get; } = new("--rate") { Description = "Requests per second of --load, and most --load-cmd runs per second in duration mode, e.g. 50/s", DefaultValueFactory = _ => "10/s" };
    public Option<int> Concurrency { get; } = new("--concurrency") { Description = "Most --load requests in flight", DefaultValueFactory = _ => 4 };
    public Option<string?> AbortAfter { get; } = new("--abort-after") { Description = "Drop each --load response after this many bytes (clients that disconnect mid-download)" };
    public Option<bool> AllowRemoteLoad { get; } = new("--allow-remote-load") { Description = "Allow --load to a host that is not this machine" };
    public Option<string?> LoadCmd { get; } = new("--load-cmd") { Description = "A command run once per iteration (e.g. a reconnect trigger), never through a shell" };
    public Option<int?> Iterations { get; } = new("--iterations", "-n") { Description = "Run the load N times and report growth per iteration" };
    public Option<string> Warmup { get; } = new("--warmup") { Description = "Load before watching starts (duration mode) or before counting (iteration mode)", DefaultValueFactory = _ => "0s" };

    public IEnumerable<Option> All => [Target, Baseline, ReadyUrl, ReadyAfter, Load, Method, Body, ContentType, Rate, Concurrency, AbortAfter, AllowRemoteLoad, LoadCmd, Iterations, Warmup,
        Commands.CommonOptions.JUnit, Commands.CommonOptions.TargetLog];
}
