namespace LeakHound.Probes.Proc;

/// <summary>The soft "Max open files" limit of a process, from /proc/PID/limits.</summary>
public static class FdLimit
{
    public static double? ForProcess(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    string[] parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return parts.Length > 0 && double.TryParse(parts[0], out double soft) ? soft : null;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // gone or foreign
        }

        return null;
    }
}
