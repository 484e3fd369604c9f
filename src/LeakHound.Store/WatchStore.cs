using Microsoft.Data.Sqlite;

namespace LeakHound.Store;

/// <summary>A past or running watch as the store knows it.</summary>
public sealed record WatchRecord(long Id, DateTimeOffset Started, string Command, string Targets, DateTimeOffset? Ended, string? StoppedBecause, long Samples, double LastT);

/// <summary>
/// The watch history: SQLite (WAL, one transaction per sampling round, so a killed watcher loses at most the round in
/// flight). A store that cannot be written (disk full, read-only) is reported once and then left alone: the watch
/// goes on in memory and loses nothing it already has.
/// </summary>
public sealed class WatchStore : IDisposable
{
    private readonly SqliteConnection _db;
    private readonly Dictionary<string, long> _seriesIds = new(StringComparer.Ordinal);
    private readonly List<(double T, string Series, double Value)> _pending = [];
    private readonly Action<string> _warn;
    private long _commits;
    private double _lastT;

    /// <summary>Samples newer than this (seconds before the newest) are kept raw; older ones are thinned.</summary>
    public double RawSeconds { get; set; } = 3600;

    /// <summary>Thin old samples every this many rounds.</summary>
    public int DownsampleEveryCommits { get; set; } = 600;

    private WatchStore(SqliteConnection db, Action<string> warn)
    {
        _db = db;
        _warn = warn;
    }

    public string Path { get; private init; } = "";

    /// <summary>The watch being written; 0 before <see cref="Begin"/> or <see cref="Resume"/>.</summary>
    public long WatchId { get; private set; }

    /// <summary>True once writing failed; samples are then kept in memory only.</summary>
    public bool Failed { get; private set; }

    /// <summary>Opens (creating if needed) the store at <paramref name="path"/>.</summary>
    /// <param name="path">The SQLite file.</param>
    /// <param name="warn">Where problems met later (disk full) are reported, once.</param>
    public static WatchStore Open(string path, Action<string> warn)
    {
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        SqliteConnection db = new(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 10 }.ToString());
        try
        {
            db.Open();
            Execute(db, "PRAGMA busy_timeout=10000; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
            Execute(db, """
                CREATE TABLE IF NOT EXISTS watches(id INTEGER PRIMARY KEY, started TEXT NOT NULL, command TEXT NOT NULL, targets TEXT NOT NULL,
                    ended TEXT, stopped_because TEXT);
                CREATE TABLE IF NOT EXISTS series(id INTEGER PRIMARY KEY, watch_id INTEGER NOT NULL, name TEXT NOT NULL, UNIQUE(watch_id, name));
                CREATE TABLE IF NOT EXISTS samples(series_id INTEGER NOT NULL, t REAL NOT NULL, value REAL NOT NULL);
                CREATE INDEX IF NOT EXISTS samples_by_series ON samples(series_id, t);
                """);
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw new IOException(WhyNotWritable(path) ?? Describe(e), e); // SQLite's own message for a read-only file is "unable to open"
        }

        return new WatchStore(db, warn) { Path = path };
    }

    /// <summary>
    /// Opens an existing store only to read it (history, analyze): works on read-only media too, where SQLite cannot
    /// create the WAL's shared-memory file — the store is then opened as immutable, which is safe because nothing can
    /// write it there.
    /// </summary>
    public static WatchStore OpenReadOnly(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no watch history at '{path}'", path);
        }

        string full = System.IO.Path.GetFullPath(path);
        try
        {
            return OpenForReading(full, path);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 14 or 8 or 10) // cannot open, read-only, I/O: try immutable
        {
            try
            {
                return OpenForReading($"file:{Uri.EscapeDataString(full).Replace("%2F", "/", StringComparison.Ordinal)}?immutable=1", path);
            }
            catch (SqliteException again) when (again.SqliteErrorCode is 14 or 8 or 10)
            {
                throw new IOException($"cannot read '{path}': {Describe(again)}", again);
            }
        }
    }

    private static WatchStore OpenForReading(string source, string path)
    {
        SqliteConnection db = new(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 10 }.ToString());
        try
        {
            db.Open();
            Execute(db, "SELECT COUNT(*) FROM watches;");
            return new WatchStore(db, _ => { }) { Path = path, Failed = true }; // Failed: nothing is ever written through it
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>Why a store file cannot be opened for writing (read-only file system, permissions), or null if it can.</summary>
    private static string? WhyNotWritable(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                using FileStream _ = File.Open(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            }
            else
            {
                string probe = path + ".probe";
                using (File.Create(probe)) { }
                File.Delete(probe);
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    public static string DefaultPath()
    {
        string data = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return System.IO.Path.Combine(data, "leakhound", "history.db");
    }

    public long Begin(string command, string targets)
    {
        using SqliteCommand insert = Command("INSERT INTO watches(started, command, targets) VALUES ($s, $c, $t) RETURNING id;",
            ("$s", DateTimeOffset.UtcNow.ToString("O")), ("$c", command), ("$t", targets));
        WatchId = (long)insert.ExecuteScalar()!;
        return WatchId;
    }

    /// <summary>The newest unfinished watch of this command (or the given one); null when there is none.</summary>
    public WatchRecord? FindResumable(string command, long? id)
    {
        return List().FirstOrDefault(w => id is { } wanted ? w.Id == wanted : w.Ended is null && w.Command == command);
    }

    /// <summary>Continues writing an earlier watch.</summary>
    public void Resume(long id)
    {
        WatchId = id;
        _lastT = List().FirstOrDefault(w => w.Id == id)?.LastT ?? 0;
        Execute(_db, $"UPDATE watches SET ended = NULL, stopped_because = NULL WHERE id = {id};");
        using SqliteCommand names = Command("SELECT id, name FROM series WHERE watch_id = $w;", ("$w", id));
        using SqliteDataReader r = names.ExecuteReader();
        while (r.Read())
        {
            _seriesIds[r.GetString(1)] = r.GetInt64(0);
        }
    }

    /// <summary>Queues one sample; written at <see cref="Commit"/>.</summary>
    public void Add(double t, string series, double value) => _pending.Add((t, series, value));

    /// <summary>Writes the round's samples in one transaction.</summary>
    public void Commit()
    {
        if (Failed || _pending.Count == 0)
        {
            _pending.Clear();
            return;
        }

        try
        {
            using SqliteTransaction tx = _db.BeginTransaction();
            using SqliteCommand insert = _db.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO samples(series_id, t, value) VALUES ($s, $t, $v);";
            SqliteParameter s = insert.Parameters.Add("$s", SqliteType.Integer);
            SqliteParameter t = insert.Parameters.Add("$t", SqliteType.Real);
            SqliteParameter v = insert.Parameters.Add("$v", SqliteType.Real);
            foreach ((double time, string series, double value) in _pending)
            {
                _lastT = Math.Max(_lastT, time);
                s.Value = SeriesId(series, tx);
                t.Value = time;
                v.Value = value;
                insert.ExecuteNonQuery();
            }

            tx.Commit();
            if (++_commits % DownsampleEveryCommits == 0)
            {
                Downsample();
            }
        }
        catch (SqliteException e)
        {
            Failed = true;
            _seriesIds.Clear(); // ids of a rolled-back transaction are not in the file
            _warn($"cannot write the watch history '{Path}' any more ({Describe(e)}); the watch goes on in memory");
        }
        finally
        {
            _pending.Clear();
        }
    }

    public void End(string stoppedBecause)
    {
        if (Failed || WatchId == 0)
        {
            return;
        }

        try
        {
            using SqliteCommand end = Command("UPDATE watches SET ended = $e, stopped_because = $b WHERE id = $w;",
                ("$e", DateTimeOffset.UtcNow.ToString("O")), ("$b", stoppedBecause), ("$w", WatchId));
            end.ExecuteNonQuery();
        }
        catch (SqliteException e)
        {
            _warn($"cannot mark the watch ended in '{Path}' ({Describe(e)})");
        }
    }

    public IReadOnlyList<WatchRecord> List()
    {
        using SqliteCommand q = Command("""
            SELECT w.id, w.started, w.command, w.targets, w.ended, w.stopped_because,
                   (SELECT COUNT(*) FROM samples JOIN series ON series.id = samples.series_id WHERE series.watch_id = w.id),
                   (SELECT IFNULL(MAX(t), 0) FROM samples JOIN series ON series.id = samples.series_id WHERE series.watch_id = w.id)
            FROM watches w ORDER BY w.id DESC;
            """);
        using SqliteDataReader r = q.ExecuteReader();
        List<WatchRecord> list = [];
        while (r.Read())
        {
            list.Add(new WatchRecord(r.GetInt64(0), DateTimeOffset.Parse(r.GetString(1), System.Globalization.CultureInfo.InvariantCulture), r.GetString(2), r.GetString(3),
                r.IsDBNull(4) ? null : DateTimeOffset.Parse(r.GetString(4), System.Globalization.CultureInfo.InvariantCulture), r.IsDBNull(5) ? null : r.GetString(5),
                r.GetInt64(6), r.GetDouble(7)));
        }

        return list;
    }

    /// <summary>Every sample of a watch in time order, for replay into detectors or a trace.</summary>
    public IEnumerable<(double T, string Series, double Value)> Samples(long watchId)
    {
        using SqliteCommand q = Command("""
            SELECT samples.t, series.name, samples.value FROM samples JOIN series ON series.id = samples.series_id
            WHERE series.watch_id = $w ORDER BY samples.t, series.id;
            """, ("$w", watchId));
        using SqliteDataReader r = q.ExecuteReader();
        while (r.Read())
        {
            yield return (r.GetDouble(0), r.GetString(1), r.GetDouble(2));
        }
    }

    /// <summary>
    /// Keeps the store bounded for long watches: samples older than <see cref="RawSeconds"/> before the newest are
    /// thinned to the minimum and maximum of windows of 1/1024 of the watch (property-tested not to change a verdict),
    /// so each series holds at most its last <see cref="RawSeconds"/> raw plus about 2,048 older rows.
    /// </summary>
    public void Downsample()
    {
        double cut = _lastT - RawSeconds;
        if (WatchId == 0 || cut <= 0)
        {
            return;
        }

        double window = LeakHoundCoreWindow(_lastT);
        using SqliteTransaction tx = _db.BeginTransaction();
        foreach (long seriesId in _seriesIds.Values.ToArray())
        {
            List<(long RowId, double T, double Value)> old = [];
            using (SqliteCommand q = Command("SELECT rowid, t, value FROM samples WHERE series_id = $s AND t < $c ORDER BY t;", ("$s", seriesId), ("$c", cut)))
            {
                q.Transaction = tx;
                using SqliteDataReader r = q.ExecuteReader();
                while (r.Read())
                {
                    old.Add((r.GetInt64(0), r.GetDouble(1), r.GetDouble(2)));
                }
            }

            HashSet<int> keep = [.. LeakHound.Core.Series.Downsampling.Keep([.. old.Select(o => new LeakHound.Core.Series.Sample(o.T, o.Value))], cut, window)];
            using SqliteCommand delete = Command("DELETE FROM samples WHERE rowid = $r;");
            delete.Transaction = tx;
            SqliteParameter rowId = delete.Parameters.Add("$r", SqliteType.Integer);
            for (int i = 0; i < old.Count; i++)
            {
                if (!keep.Contains(i))
                {
                    rowId.Value = old[i].RowId;
                    delete.ExecuteNonQuery();
                }
            }
        }

        tx.Commit();
    }

    private static double LeakHoundCoreWindow(double span) =>
        LeakHound.Core.Series.Downsampling.WindowFor(span, LeakHound.Core.Detection.DetectorOptions.Default.HistoryCapacity);

    /// <summary>Deletes watches that ended before <paramref name="olderThan"/>; returns how many.</summary>
    public int DeleteEndedBefore(DateTimeOffset olderThan)
    {
        List<long> old = [.. List().Where(w => w.Ended is { } e && e < olderThan).Select(w => w.Id)];
        foreach (long id in old)
        {
            Execute(_db, $"DELETE FROM samples WHERE series_id IN (SELECT id FROM series WHERE watch_id = {id}); DELETE FROM series WHERE watch_id = {id}; DELETE FROM watches WHERE id = {id};");
        }

        return old.Count;
    }

    public void Dispose() => _db.Dispose();

    private long SeriesId(string series, SqliteTransaction tx)
    {
        if (_seriesIds.TryGetValue(series, out long id))
        {
            return id;
        }

        using SqliteCommand insert = Command("INSERT INTO series(watch_id, name) VALUES ($w, $n) ON CONFLICT(watch_id, name) DO UPDATE SET name = name RETURNING id;",
            ("$w", WatchId), ("$n", series));
        insert.Transaction = tx;
        id = (long)insert.ExecuteScalar()!;
        _seriesIds[series] = id;
        return id;
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        SqliteCommand c = _db.CreateCommand();
        c.CommandText = sql;
        foreach ((string name, object value) in parameters)
        {
            c.Parameters.AddWithValue(name, value);
        }

        return c;
    }

    private static void Execute(SqliteConnection db, string sql)
    {
        using SqliteCommand c = db.CreateCommand();
        c.CommandText = sql;
        c.ExecuteNonQuery();
    }

    private static string Describe(SqliteException e) => e.SqliteErrorCode switch
    {
        13 => "the disk is full",
        8 => "the store is read-only",
        10 => "I/O error: a read-only or immutable file, or a failing disk",
        _ => e.Message,
    };
}
