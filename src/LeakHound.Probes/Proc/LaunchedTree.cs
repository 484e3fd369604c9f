using System.Runtime.InteropServices;

namespace LeakHound.Probes.Proc;

/// <summary>
/// Every process of a command LeakHound launched, daemons included. The watcher becomes a child subreaper
/// (<c>PR_SET_CHILD_SUBREAPER</c>): a descendant whose parent exits — a daemon's double fork — is reparented to the
/// watcher instead of init. Such an orphan is told from the watcher's other children (rule commands, load
/// generators) by a marker in the environment, which the launched command passes to everything it starts.
/// </summary>
public sealed partial class LaunchedTree
{
    /// <summary>The environment variable that marks a launched command and its descendants.</summary>
    public const string MarkerVariable = "LEAKHOUND_TREE";

    private const int PrSetChildSubreaper = 36;
    private const int WNoHang = 1;

    private static readonly Lazy<bool> s_subreaper = new(() => Prctl(PrSetChildSubreaper, 1, 0, 0, 0) == 0);

    /// <summary>Orphans seen alive with the marker: when they end, the watcher (their parent now) reaps them.</summary>
    private readonly HashSet<int> _adopted = [];

    /// <summary>The watcher's zombie children of the last scan that no tree knows (see <see cref="ReapStrayZombies"/>).</summary>
    private static readonly HashSet<ProcessIdentity> s_strayZombies = [];

    private static readonly Lock s_strayGate = new();

    /// <param name="root">The launched process.</param>
    /// <param name="marker">The marker's value, unique to this launch (<see cref="NewMarker"/>).</param>
    public LaunchedTree(int root, string marker)
    {
        Root = root;
        Marker = marker;
    }

    public int Root { get; }

    public string Marker { get; }

    /// <summary>Whether orphans of launched commands come back to the watcher (false on kernels before 3.4, or outside Linux).</summary>
    public static bool AdoptsOrphans => OperatingSystem.IsLinux() && s_subreaper.Value;

    /// <summary>A fresh marker; makes the watcher a subreaper first, so that no orphan of the launch can escape to init.</summary>
    public static string NewMarker()
    {
        _ = AdoptsOrphans;
        return Guid.NewGuid().ToString("N");
    }

    /// <summary>
    /// The launched command's orphans that the watcher has adopted and that still run (the tree's other roots); those
    /// that ended are reaped, and so are orphans that were zombies already when they were reparented (see
    /// <see cref="ReapStrayZombies"/>).
    /// </summary>
    public IReadOnlyList<int> AdoptedOrphans()
    {
        ReapStrayZombies();
        // An orphan that ended had its own children handed to the watcher before it did: after reaping one, look again,
        // or a daemon's grandchild, reparented between the listing and the reaping, is missed (a few passes suffice:
        // each is one generation of a fork chain that exits as it goes).
        List<int> alive = [];
        bool reaped = true;
        for (int pass = 0; pass < 8 && reaped; pass++)
        {
            alive.Clear();
            reaped = false;
            foreach (int child in ProcessTree.ChildrenOf(Environment.ProcessId))
            {
                if (child == Root || !(_adopted.Contains(child) || CarriesMarker(child)))
                {
                    continue;
                }

                if (IsZombie(child))
                {
                    _ = WaitPid(child, IntPtr.Zero, WNoHang);
                    _adopted.Remove(child);
                    reaped = true;
                }
                else
                {
                    _adopted.Add(child);
                    alive.Add(child);
                }
            }
        }

        return alive;
    }

    /// <summary>
    /// A descendant that ends before its parent, and whose parent never reaps it, is handed to the watcher as a zombie:
    /// its environment (the marker) is gone, and nothing would reap it until the watcher exits — a service that runs
    /// <c>sh -c 'job &amp;'</c> all day would fill the PID table. A zombie child is reaped when it was a zombie at the
    /// previous scan too (same PID and start time): the children .NET started itself (launched roots, rule commands,
    /// load commands) are reaped by .NET as soon as they end, never a whole interval later, and keep their exit status.
    /// </summary>
    private static void ReapStrayZombies()
    {
        lock (s_strayGate)
        {
            List<ProcessIdentity> zombies = [];
            foreach (int child in ProcessTree.ChildrenOf(Environment.ProcessId))
            {
                if (IsZombie(child) && ProcessIdentity.Of(child) is { } zombie)
                {
                    if (s_strayZombies.Contains(zombie))
                    {
                        _ = WaitPid(child, IntPtr.Zero, WNoHang);
                    }
                    else
                    {
                        zombies.Add(zombie);
                    }
                }
            }

            s_strayZombies.Clear();
            s_strayZombies.UnionWith(zombies);
        }
    }

    /// <summary>Every running process of the tree: the root, the adopted orphans and all their descendants.</summary>
    public IReadOnlyList<ProcessIdentity> Members()
    {
        List<ProcessIdentity> members = [];
        HashSet<int> seen = [];
        Stack<int> pending = new([Root, .. AdoptedOrphans()]);
        while (pending.Count > 0)
        {
            int pid = pending.Pop();
            if (!seen.Add(pid) || IsZombie(pid) || ProcessIdentity.Of(pid) is not { } identity)
            {
                continue;
            }

            members.Add(identity);
            foreach (int child in ProcessTree.ChildrenOf(pid))
            {
                pending.Push(child);
            }
        }

        return members;
    }

    private bool CarriesMarker(int pid)
    {
        try
        {
            string wanted = $"{MarkerVariable}={Marker}";
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains(wanted, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A process that has ended but not been reaped: no longer running, whatever its /proc entry says.</summary>
    public static bool IsZombie(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] is 'Z' or 'X';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, IntPtr status, int options);
}
