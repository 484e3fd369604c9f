using Spectre.Console;

namespace LeakHound.Cli.Rendering;

/// <summary>Where people read: stdout normally, stderr when stdout carries JSON.</summary>
internal static class HumanConsole
{
    /// <summary>
    /// The console for people. Redirected output (a file, a CI log) is as wide as <c>COLUMNS</c> says, else 160 columns:
    /// a log has no terminal to wrap for, and a table cut at 80 columns breaks words apart.
    /// </summary>
    public static IAnsiConsole Create(bool json)
    {
        bool redirected = json ? Console.IsErrorRedirected : Console.IsOutputRedirected;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(json ? Console.Error : Console.Out),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int columns) && columns is >= 40 and <= 1000 ? columns : 160;
        }

        return console;
    }

    /// <summary>A live view can be drawn: the human output is a terminal that supports one.</summary>
    public static bool IsLive(IAnsiConsole console, bool json) =>
        (json ? !Console.IsErrorRedirected : !Console.IsOutputRedirected) && console.Profile.Capabilities.Interactive;
}
