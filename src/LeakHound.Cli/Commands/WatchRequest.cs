using System.Net;
using LeakHound.Core.Rules;
using LeakHound.Store;
using LeakHound.Watching;

namespace LeakHound.Cli.Commands;

/// <summary>A watch as the command line asks for it, validated: how to watch (the engine's settings) and where it goes.</summary>
internal sealed record WatchRequest
{
    /// <summary>The command, for the JSON document and the watch history.</summary>
    public required string Command { get; init; }

    public required WatchSettings Watch { get; init; }

    /// <summary>--format json: only the JSON document on stdout.</summary>
    public bool Json { get; init; }

    /// <summary>--out: every sample to a trace file.</summary>
    public string? OutPath { get; init; }

    /// <summary>--report: the HTML report at the end.</summary>
    public string? ReportPath { get; init; }

    /// <summary>--png: one chart per signal at the end.</summary>
    public string? PngDirectory { get; init; }

    /// <summary>--serve: where the live dashboard listens; null for none.</summary>
    public IPEndPoint? ServeEndpoint { get; init; }

    /// <summary>The token every dashboard request must carry; required off loopback.</summary>
    public string? Token { get; init; }

    /// <summary>The watch history; null with --no-store.</summary>
    public StoreSettings? Store { get; init; }

    /// <summary>--rules: trigger → action rules; null for none.</summary>
    public IReadOnlyList<Rule>? Rules { get; init; }

    /// <summary>--target-log: a launched target's output goes here.</summary>
    public string? TargetLogPath { get; init; }
}
