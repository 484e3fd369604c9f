using System.Runtime.InteropServices;

namespace LeakHound.Cli.Demo;

/// <summary>
/// Memory mapped straight from the kernel with mmap/munmap, so that freeing really lowers RSS. malloc's dynamic mmap
/// threshold would move such blocks to the heap after the first free, and the GC keeps freed segments: neither gives
/// the clean, repeatable shapes a demo needs.
/// </summary>
internal sealed unsafe partial class NativeBlock : IDisposable
{
    private const int ProtReadWrite = 0x1 | 0x2;
    private const int MapPrivateAnonymous = 0x02 | 0x20;
    private void* _address;

    public NativeBlock(int size, byte fill)
    {
        Size = size;
        _address = Mmap(null, (nuint)size, ProtReadWrite, MapPrivateAnonymous, -1, 0);
        if (_address == (void*)-1)
        {
            throw new OutOfMemoryException($"mmap of {size} bytes failed");
        }

        new Span<byte>(_address, size).Fill(fill); // touch every page: resident, not just reserved
    }

    public int Size { get; }

    public void Dispose()
    {
        if (_address != null)
        {
            _ = Munmap(_address, (nuint)Size);
            _address = null;
        }
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(void* address, nuint length);
}
