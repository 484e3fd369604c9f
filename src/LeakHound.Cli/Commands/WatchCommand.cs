using System.CommandLine;
using LeakHound.Probes.Cgroups;
using LeakHound.Watching;

namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound watch --pid N [--pid M …]</c>: attach to running processes (and their children); or
/// <c>--cgroup PATH</c>, <c>--unit NAME</c>, <c>--container ID</c>: watch a cgroup, whatever processes it holds.
/// </summary>
internal static class WatchCommand
{
    private static readonly Option<int[]> Pids = new("--pid", "-p") { Description = "Process to watch (repeat for several; each is watched with its children)" };
    private static readonly Option<string?> CgroupPath = new("--cgroup") { Description = "A cgroup to watch (v1 or v2; a path under /sys/fs/cgroup or relative to it): its memory as the kernel charges it and the processes in it" };
    private static readonly Option<string?> Unit = new("--unit") { Description = "A systemd unit's cgroup to watch (NAME.service, .scope, .slice)" };
    private static readonly Option<string?> Container = new("--container") { Description = "A container's cgroup to watch, by its ID or a unique prefix (Docker, containerd, CRI-O, Podman, Kubernetes)" };

    public static Command Create()
    {
        Command command = new("watch", "Attach to running processes, or a cgroup, a systemd unit or a container, and watch them for leaks");
        command.Options.Add(Pids);
        command.Options.Add(CgroupPath);
        command.Options.Add(Unit);
        command.Options.Add(Container);
        WatchOptions.AddTo(command);
        command.Validators.Add(result =>
        {
            // Which were given, not their values: a value that does not parse (--pid abc) is its own error.
            int given = new Option[] { Pids, CgroupPath, Unit, Container }.Count(o => result.GetResult(o) is { Implicit: false });
            if (given != 1)
            {
                result.AddError("give what to watch: --pid N (repeatable), or one of --cgroup PATH, --unit NAME, --container ID");
            }
        });
        command.SetAction((parse, cancel) => RunAsync(WatchOptions.Read(parse, "watch"), parse, cancel));
        return command;
    }

    private static async Task<int> RunAsync(WatchRequest request, ParseResult parse, CancellationToken cancel)
    {
        List<WatchTarget> targets = [];
        try
        {
            if (FindCgroup(parse) is { } cgroup)
            {
                targets.Add(WatchTarget.ForCgroup(cgroup.Label, cgroup.Location, request.Watch));
            }
            else
            {
                foreach (int pid in parse.GetValue(Pids)!.Distinct())
                {
                    targets.Add(WatchTarget.ForProcess($"{ReadName(pid)} ({pid})", pid, request.Watch));
                }
            }

            targets[0].Scrape(request.Watch); // --metrics-url: the first target's endpoints
            return await WatchRunner.RunAsync(request, targets, cancel);
        }
        finally
        {
            targets.ForEach(t => t.Dispose());
        }
    }

    /// <summary>The cgroup asked for, and how people see it ("api.service", "container 3f2a…", the cgroup's path); null for --pid.</summary>
    private static (string Label, CgroupLocation Location)? FindCgroup(ParseResult parse)
    {
        CgroupFinder finder = new();
        try
        {
            if (parse.GetValue(CgroupPath) is { } path)
            {
                CgroupLocation found = finder.FromPath(path);
                return ($"cgroup {found.RelativePath}", found);
            }

            if (parse.GetValue(Unit) is { } unit)
            {
                CgroupLocation found = finder.ForUnit(unit);
                return (found.RelativePath[(found.RelativePath.LastIndexOf('/') + 1)..], found);
            }

            if (parse.GetValue(Container) is { } id)
            {
                CgroupLocation found = finder.ForContainer(id);
                string full = CgroupFinder.ContainerIdOf(found.RelativePath[(found.RelativePath.LastIndexOf('/') + 1)..]) ?? id;
                return ($"container {full[..Math.Min(12, full.Length)]}", found);
            }
        }
        catch (CgroupException e)
        {
            throw new WatchException(e.Message, targetFailed: true);
        }

        return null;
    }

    private static string ReadName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WatchException($"no process with PID {pid}", targetFailed: true);
        }
    }
}
