namespace LeakHound.Probes.Node.Snapshots;

/// <summary>
/// The heap snapshots of one explanation: each taken to a temporary file, read, reduced to its summary and deleted;
/// only the last snapshot stays in memory (for retainer paths). Stops at the first refusal or failure, which is kept.
/// </summary>
internal sealed class SnapshotSeries(int pid)
{
    private readonly List<SnapshotTaken> _taken = [];
    private readonly List<SnapshotSummary> _summaries = [];
    private HeapSnapshot? _last;
    private string? _refused;

    public async Task<SnapshotTaken?> TakeAsync(InspectorSession session, NodeMemory memory, double t, CancellationToken cancel)
    {
        if (_refused is not null)
        {
            return null;
        }

        string path = Path.Combine(Path.GetTempPath(), $"leakhound-{pid}-{Guid.NewGuid():N}.heapsnapshot");
        try
        {
            SnapshotTaker.CheckHeadroom(pid, memory, SnapshotTaker.Headroom(pid, memory.Rss));
            (SnapshotTaken taken, HeapSnapshot snapshot) = await SnapshotTaker.TakeAsync(session, path, t, cancel);
            _taken.Add(taken);
            _summaries.Add(SnapshotSummary.Of(snapshot));
            _last = snapshot;
            return taken;
        }
        catch (NodeInspectorException e)
        {
            _refused = e.Message;
            return null;
        }
        finally
        {
            File.Delete(path);
        }
    }

    public NodeExplanation Explain(NodeExplanation explanation, int top)
    {
        if (_last is null || _summaries.Count < 2)
        {
            return explanation with { Snapshots = _taken, SnapshotsRefused = _refused ?? "fewer than two heap snapshots were taken" };
        }

        (IReadOnlyList<ClassGrowth> classes, IReadOnlyList<CollectionGrowth> collections) = SnapshotGrowth.Of(_summaries, _last, top);
        return explanation with { Snapshots = _taken, SnapshotsRefused = _refused, Classes = classes, Collections = collections };
    }
}
