namespace LeakHound.Probes.Proc;

/// <summary>Finds the descendants of a process through /proc/PID/task/TID/children, or by scanning parent ids when the kernel lacks that file.</summary>
internal static class ProcessTree
{
    private static readonly bool s_hasChildrenFiles = File.Exists($"/proc/{Environment.ProcessId}/task/{Environment.ProcessId}/children");

    /// <summary>
    /// Direct children of a process (empty if it is gone): the children file of every one of its threads, since any
    /// thread may fork. (A single-threaded parent's one file is kept open by its <see cref="ProcessProbe"/> instead.)
    /// </summary>
    public static IEnumerable<int> ChildrenOf(int pid)
    {
        if (!s_hasChildrenFiles)
        {
            return ChildrenByScan(pid);
        }

        List<int> children = [];
        try
        {
            foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                string text;
                try
                {
                    text = File.ReadAllText(Path.Combine(task, "children"));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue; // the thread ended between listing and reading
                }

                foreach (string part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(part, out int child))
                    {
                        children.Add(child);
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the process is gone
        }

        return children;
    }

    private static List<int> ChildrenByScan(int pid)
    {
        List<int> children = [];
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int candidate))
            {
                continue;
            }

            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the command name, which is in parentheses and may hold spaces: state ppid …
                string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (rest.Length > 1 && int.TryParse(rest[1], out int parent) && parent == pid)
                {
                    children.Add(candidate);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
            {
                // raced with an exit
            }
        }

        return children;
    }

    public static bool Exists(int pid) => Directory.Exists($"/proc/{pid}");
}
