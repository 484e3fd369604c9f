using System.Text.Json;

namespace LeakHound.Cli.Tests;

/// <summary>What the store tests share: a fresh store path, and the store's watches as <c>history --format json</c> lists them.</summary>
internal static class StoreHistory
{
    public static string NewStore() => Path.Combine(Path.GetTempPath(), $"leakhound-store-{Guid.NewGuid():N}", "history.db");

    public static async Task<JsonElement[]> History(string store)
    {
        ProcessResult r = await CliRunner.RunAsync("history", "--store", store, "--format", "json");
        Assert.True(r.ExitCode == 0, r.ToString());
        return [.. JsonVerdicts.Parse(r.Stdout).Root.GetProperty("watches").EnumerateArray()];
    }
}
