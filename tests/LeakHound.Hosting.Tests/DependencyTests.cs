using System.Reflection;

namespace LeakHound.Hosting.Tests;

/// <summary>A service using LeakHound.Hosting reads /proc and cgroups only: it must not load EventPipe or ClrMD.</summary>
public sealed class DependencyTests
{
    [Fact]
    public void Hosting_AndWhatItReferences_LoadNoDiagnosticsLibraries()
    {
        HashSet<string> seen = [];
        Queue<Assembly> queue = new([typeof(LeakMonitor).Assembly]);
        while (queue.TryDequeue(out Assembly? assembly))
        {
            foreach (AssemblyName name in assembly.GetReferencedAssemblies())
            {
                if (name.Name is { } n && n.StartsWith("LeakHound", StringComparison.Ordinal) && seen.Add(n))
                {
                    queue.Enqueue(Assembly.Load(name));
                }

                Assert.False(name.Name!.StartsWith("Microsoft.Diagnostics", StringComparison.Ordinal), $"{assembly.GetName().Name} references {name.Name}");
                Assert.NotEqual("LeakHound.Probes.DotNet", name.Name);
            }
        }

        Assert.Contains("LeakHound.Probes", seen);
        Assert.Contains("LeakHound.Core", seen);
    }
}
