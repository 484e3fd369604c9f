namespace LeakHound.SampleService;

internal static class Payload
{
    /// <summary>Touches every page, so the allocation is resident and not just reserved.</summary>
    public static byte[] Fill(int kilobytes)
    {
        byte[] bytes = new byte[Math.Clamp(kilobytes, 1, 4096) * 1024];
        for (int i = 0; i < bytes.Length; i += 512)
        {
            bytes[i] = (byte)i;
        }

        bytes[^1] = 1;
        return bytes;
    }
}
