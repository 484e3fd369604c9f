using System.CommandLine;
using System.Text.Json;
using LeakHound.Core.Series;
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
            Dictionary<long, IReadOnlyList<TimelineMark>> marks = watches.ToDictionary(w => w.Id, w => store.Marks(w.Id));
            if (CommonOptions.Json(parse))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    command = "history",
                    store = store.Path,
                    watches = watches.Select(w => new
                    {
                        id = w.Id, started = w.Started, command = w.Command, targets = w.Targets, command_line = w.CommandLine, samples = w.Samples, seconds = w.LastT,
                        ended = w.Ended, stopped_because = w.StoppedBecause ?? (w.Ended is null ? "unfinished" : null), outcome = w.Outcome, state = State(w),
                        gaps = marks[w.Id].Where(m => m.Kind == "gap").Select(m => new { t = m.T, seconds = m.Seconds }),
                        restarts = marks[w.Id].Where(m => m.Kind == "restart").Select(m => m.T),
                    }),
                }, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                return 0;
            }

            IAnsiConsole console = HumanConsole.Create(json: false);
            Table table = new Table().AddColumns("ID", "Started (UTC)", "Command line", "Targets", "Watched", "Outcome");
            foreach (WatchRecord w in watches)
            {
                int gaps = marks[w.Id].Count(m => m.Kind == "gap");
                string watched = $"{Quantity.FormatDuration(w.LastT)}, {w.Samples:N0} samples{(gaps > 0 ? $", {gaps} gap{(gaps > 1 ? "s" : "")}" : "")}";
                string outcome = State(w) switch
                {
                    "running" => $"[blue]running (leakhound PID {w.WriterPid})[/]",
                    "unfinished" => "[yellow]unfinished (--resume)[/]",
                    _ => Markup.Escape($"{w.Outcome ?? "–"} ({w.StoppedBecause})"),
                };
                table.AddRow(w.Id.ToString(), w.Started.ToString("yyyy-MM-dd HH:mm:ss"), Markup.Escape($"{w.Command}: {w.CommandLine ?? "?"}"), Markup.Escape(w.Targets),
                    watched, outcome);
            }

            console.Write(table);
            return 0;
        });
        return command;
    }

    private static string State(WatchRecord w) => w.Ended is not null ? "ended" : w.IsBeingWritten ? "running" : "unfinished";

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
        catch (StoreException e)
        {
            throw new LeakHoundException($"--store: {e.Message}");
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new LeakHoundException($"--store: cannot open '{file}': {e.Message}");
        }
    }
}
