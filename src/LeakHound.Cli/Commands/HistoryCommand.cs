using System.CommandLine;
using System.Text.Json;
using LeakHound.Core.Units;
using LeakHound.Store;
using LeakHound.Cli.Rendering;
using Spectre.Console;

namespace LeakHound.Cli.Commands;

/// <summary><c>leakhound history</c>: the watches kept in a store (--store on run/watch/soak).</summary>
internal static class HistoryCommand
{

    public static Command Create()
    {
        Command command = new("history", "List the watches kept in the watch history; re-analyse one with analyze --store FILE --watch ID");
        command.Options.Add(CommonOptions.Store);
        command.Options.Add(CommonOptions.Format);
        command.SetAction(parse =>
        {
            using WatchStore store = OpenExisting(parse.GetValue(CommonOptions.Store));
            IReadOnlyList<WatchRecord> watches = store.List();
            if (CommonOptions.Json(parse))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    command = "history",
                    store = store.Path,
                    watches = watches.Select(w => new
                    {
                        id = w.Id, started = w.Started, command = w.Command, targets = w.Targets, samples = w.Samples, seconds = w.LastT,
                        ended = w.Ended, stopped_because = w.StoppedBecause ?? (w.Ended is null ? "unfinished" : null),
                    }),
                }, new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }

            IAnsiConsole console = HumanConsole.Create(json: false);
            Table table = new Table().AddColumns("ID", "Started (UTC)", "Command", "Targets", "Samples", "Watched", "Ended");
            foreach (WatchRecord w in watches)
            {
                table.AddRow(w.Id.ToString(), w.Started.ToString("yyyy-MM-dd HH:mm:ss"), w.Command, Markup.Escape(w.Targets), w.Samples.ToString("N0"),
                    Quantity.FormatDuration(w.LastT), w.Ended is null ? "[yellow]unfinished (--resume)[/]" : Markup.Escape(w.StoppedBecause ?? ""));
            }

            console.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>Opens a store that must already exist, read-only (reading it never creates or changes one).</summary>
    public static WatchStore OpenExisting(string? path)
    {
        string file = path ?? WatchStore.DefaultPath();
        try
        {
            return WatchStore.OpenReadOnly(file);
        }
        catch (FileNotFoundException)
        {
            throw new LeakHoundException($"--store: no watch history at '{file}' (run or watch with --store first)");
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new LeakHoundException($"--store: cannot open '{file}': {e.Message}");
        }
    }
}
