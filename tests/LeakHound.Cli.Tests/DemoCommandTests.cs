namespace LeakHound.Cli.Tests;

public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_LeakIsLeak_SawtoothAndPlateauAreNot()
    {
        ProcessResult r = await CliRunner.RunAsync(["demo", "--format", "json"], 150);

        Assert.True(r.ExitCode == 0, r.ToString());
        JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
        Assert.Equal(0, json.Root.GetProperty("exit_code").GetInt32()); // the document agrees with the process
        Assert.Equal("leak", json.Series("rss", "demo leak").GetProperty("verdict").GetString());
        Assert.Equal("sawtooth", json.Series("rss", "demo sawtooth").GetProperty("verdict").GetString());
        Assert.Equal("plateau", json.Series("rss", "demo plateau").GetProperty("verdict").GetString());
    }
}
