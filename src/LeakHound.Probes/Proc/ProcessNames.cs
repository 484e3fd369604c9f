namespace LeakHound.Probes.Proc;

/// <summary>A process's name (<c>/proc/PID/comm</c>) for messages: "?" when it is gone or not ours to read.</summary>
public static class ProcessNames
{
    public static string Of(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }
}
