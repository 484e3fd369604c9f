using LeakHound.Core.Series;
using Microsoft.Data.Sqlite;

namespace LeakHound.Store;

/// <summary>A past or running watch as the store knows it.</summary>
public sealed record WatchRecord(long Id, DateTimeOffset Started, string Command, string Targets, DateTimeOffset? Ended, string? StoppedBecause, long Samples, double LastT)
{
    /// <summary>What was watched, whole: the launched command and its arguments, or each attached process's command line.</summary>
    public string? CommandLine { get; init; }

    /// <summary>The watched processes as PID:start-time, to tell the same processes from new ones on resume.</summary>
    public string? Processes { get; init; }

    /// <summary>The leakhound writing this watch now (PID:start-time), or null.</summary>
    public string? Writer { get; init; }

    /// <summary>What the watch concluded, in a few words (e.g. "leak: rss, anon", "no leak").</summary>
    public string? Outcome { get; init; }

    /// <summary>The PID of the leakhound writing it (see <see cref="Writer"/>).</summary>
    public string? WriterPid => Writer is null ? null : ProcessKeys.PidOf(Writer);

    /// <summary>True while the leakhound that writes it still runs: such a watch is not unfinished, it is going on.</summary>
    public bool IsBeingWritten => Writer is not null && ProcessKeys.IsRunning(Writer);
}

/// <summary>A process as the store keeps it: PID and start time (a PID alone may name another process later).</summary>
public static class ProcessKeys
{
    public static string Of(LeakHound.Probes.Proc.ProcessIdentity identity) =>
        $"{identity.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{identity.StartTicks.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>This process (the leakhound writing a watch).</summary>
    public static string Self() => LeakHound.Probes.Proc.ProcessIdentity.Of(Environment.ProcessId) is { } me ? Of(me) : $"{Environment.ProcessId}:0";

    /// <summary>The PID part of a key.</summary>
    public static string PidOf(string key) => key.Split(':')[0];

    /// <summary>Whether the process a key names still runs (the same PID with the same start time).</summary>
    public static bool IsRunning(string key)
    {
        string[] parts = key.Split(':');
        return parts.Length == 2 && int.TryParse(parts[0], out int pid) && ulong.TryParse(parts[1], out ulong start)
            && new LeakHound.Probes.Proc.ProcessIdentity(pid, start).IsCurrent;
    }
}

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
        if (dir is not null && !Directory.Exists(dir))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(dir);
            }
            else
            {
                Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        CreatePrivately(path);
        SqliteConnection db = new(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 10 }.ToString());
        try
        {
            db.Open();
            CheckIntact(db, path);
            Execute(db, "PRAGMA busy_timeout=10000; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
            // One writer sets the schema up at a time: two watches started together on a new (or older) store would
            // otherwise both see a column missing and both add it, and the second would fail.
            Execute(db, "BEGIN IMMEDIATE;");
            Execute(db, """
                CREATE TABLE IF NOT EXISTS watches(id INTEGER PRIMARY KEY, started TEXT NOT NULL, command TEXT NOT NULL, targets TEXT NOT NULL,
                    ended TEXT, stopped_because TEXT);
                CREATE TABLE IF NOT EXISTS series(id INTEGER PRIMARY KEY, watch_id INTEGER NOT NULL, name TEXT NOT NULL, UNIQUE(watch_id, name));
                CREATE TABLE IF NOT EXISTS samples(series_id INTEGER NOT NULL, t REAL NOT NULL, value REAL NOT NULL);
                CREATE INDEX IF NOT EXISTS samples_by_series ON samples(series_id, t);
                CREATE TABLE IF NOT EXISTS marks(watch_id INTEGER NOT NULL, t REAL NOT NULL, kind TEXT NOT NULL, seconds REAL NOT NULL);
                """);
            AddMissingColumns(db);
            Execute(db, "COMMIT;");
        }
        catch (StoreException)
        {
            db.Dispose();
            throw;
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw Damaged(e, path) ?? new IOException(WhyNotWritable(path) ?? Describe(e), e); // SQLite's own message for a read-only file is "unable to open"
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
            CheckIntact(db, path);
            Execute(db, "SELECT COUNT(*) FROM watches;");
            return new WatchStore(db, _ => { }) { Path = path, Failed = true, _columns = Columns(db) }; // Failed: nothing is ever written through it
        }
        catch (SqliteException e) when (Damaged(e, path) is { } damaged)
        {
            db.Dispose();
            throw damaged;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>The columns added since the first version of the store (an older store gets them when opened for writing).</summary>
    private static readonly (string Name, string Type)[] s_laterColumns =
        [("command_line", "TEXT"), ("processes", "TEXT"), ("writer", "TEXT"), ("outcome", "TEXT")];

    private HashSet<string> _columns = [.. s_laterColumns.Select(c => c.Name)];

    private static HashSet<string> Columns(SqliteConnection db)
    {
        using SqliteCommand q = db.CreateCommand();
        q.CommandText = "SELECT name FROM pragma_table_info('watches');";
        using SqliteDataReader r = q.ExecuteReader();
        HashSet<string> names = new(StringComparer.Ordinal);
        while (r.Read())
        {
            names.Add(r.GetString(0));
        }

        return names;
    }

    private static void AddMissingColumns(SqliteConnection db)
    {
        HashSet<string> present = Columns(db);
        foreach ((string name, string type) in s_laterColumns.Where(c => !present.Contains(c.Name)))
        {
            Execute(db, $"ALTER TABLE watches ADD COLUMN {name} {type};");
        }
    }

    /// <summary>
    /// A new store is created readable by its owner only (0600; its folder 0700 when created here): it holds command
    /// lines, and SQLite gives its WAL the same mode.
    /// </summary>
    private static void CreatePrivately(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
        {
            return;
        }

        try
        {
            using FileStream _ = new(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // another watcher created it a moment ago
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException(e.Message, e);
        }
    }

    /// <summary>
    /// A damaged file (torn by a disk fault, overwritten, not SQLite at all) is refused before anything is read or
    /// written: SQLite's quick check reads every page once (milliseconds for a store kept bounded by thinning).
    /// </summary>
    private static void CheckIntact(SqliteConnection db, string path)
    {
        using SqliteCommand check = db.CreateCommand();
        check.CommandText = "PRAGMA quick_check(1);";
        string? result = check.ExecuteScalar() as string;
        if (result != "ok")
        {
            throw new StoreException($"the watch history '{path}' is damaged ({result}); move it aside (or give --store FILE / --no-store) and watch again");
        }
    }

    /// <summary>The error for a file SQLite found damaged or not a database (its codes 11 and 26); null for other errors.</summary>
    /// <remarks>Also SQLite's generic error (1) where a damaged header or schema shows as "unsupported file format" or "malformed schema".</remarks>
    private static StoreException? Damaged(SqliteException e, string path) => e.SqliteErrorCode is 11 or 26 or 1
        ? new StoreException($"the watch history '{path}' is damaged or not a LeakHound store ({e.SqliteErrorCode switch { 26 => "not a database", 11 => "malformed", _ => e.Message }}); move it aside (or give --store FILE / --no-store) and watch again", e)
        : null;

    /// <summary>Runs a read of the store; a damaged file is a <see cref="StoreException"/>, not SQLite's.</summary>
    private T Reading<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (SqliteException e) when (Damaged(e, Path) is { } damaged)
        {
            throw damaged;
        }
        catch (SqliteException e)
        {
            throw new StoreException($"cannot read the watch history '{Path}': {Describe(e)}", e);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or InvalidCastException or OverflowException)
        {
            // A NULL, a text where a number belongs, a date that is not one: written by something else, or damaged
            // in a way SQLite's page checks do not see.
            throw new StoreException($"the watch history '{Path}' holds a record LeakHound did not write ({e.Message})", e);
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

    /// <summary>Starts a new watch, written by this process.</summary>
    /// <param name="command">The sub-command (run, watch, soak).</param>
    /// <param name="targets">The targets' labels.</param>
    /// <param name="commandLine">What was watched, whole (see <see cref="WatchRecord.CommandLine"/>).</param>
    /// <param name="processes">The watched processes' keys (<see cref="ProcessKeys"/>).</param>
    public long Begin(string command, string targets, string commandLine = "", string processes = "")
    {
        using SqliteCommand insert = Command(
            "INSERT INTO watches(started, command, targets, command_line, processes, writer) VALUES ($s, $c, $t, $l, $p, $w) RETURNING id;",
            ("$s", DateTimeOffset.UtcNow.ToString("O")), ("$c", command), ("$t", targets), ("$l", commandLine), ("$p", processes), ("$w", ProcessKeys.Self()));
        WatchId = (long)insert.ExecuteScalar()!;
        return WatchId;
    }

    /// <summary>
    /// The watch to continue: the given one, or the newest unfinished watch of the same command and command line that no
    /// running leakhound is writing.
    /// </summary>
    /// <exception cref="StoreException">There is none; the message says what there is instead.</exception>
    public WatchRecord FindResumable(string command, string commandLine, long? id)
    {
        IReadOnlyList<WatchRecord> all = List();
        if (id is { } wanted)
        {
            WatchRecord chosen = all.FirstOrDefault(w => w.Id == wanted) ?? throw new StoreException($"--resume: no watch {wanted} in {Path} (see leakhound history)");
            return chosen.IsBeingWritten
                ? throw new StoreException($"--resume: watch {wanted} is being written by leakhound (PID {chosen.WriterPid}), which still runs")
                : chosen;
        }

        WatchRecord? same = all.FirstOrDefault(w => w.Ended is null && w.Command == command && (w.CommandLine ?? "") == commandLine && !w.IsBeingWritten);
        if (same is not null)
        {
            return same;
        }

        WatchRecord? running = all.FirstOrDefault(w => w.Ended is null && w.Command == command && (w.CommandLine ?? "") == commandLine);
        WatchRecord? other = all.FirstOrDefault(w => w.Ended is null && w.Command == command && !w.IsBeingWritten);
        throw new StoreException(running is not null
            ? $"--resume: watch {running.Id} of this command line is being written by leakhound (PID {running.WriterPid}), which still runs"
            : other is not null
                ? $"--resume: no unfinished '{command}' watch of '{commandLine}' in {Path}; watch {other.Id} is of '{other.CommandLine ?? other.Targets}' (give --resume {other.Id} to continue it anyway)"
                : $"--resume: no unfinished '{command}' watch in {Path} (see leakhound history)");
    }

    /// <summary>
    /// Continues writing an earlier watch, which this process then owns: two watchers resuming the same watch at once
    /// cannot both write it (the claim is one write transaction; the second finds the first still running).
    /// </summary>
    /// <exception cref="StoreException">Another running leakhound has claimed it.</exception>
    public void Resume(long id)
    {
        using (SqliteTransaction claim = _db.BeginTransaction(deferred: false))
        {
            using SqliteCommand read = Command("SELECT writer FROM watches WHERE id = $w;", ("$w", id));
            read.Transaction = claim;
            if (read.ExecuteScalar() is string writer && writer != ProcessKeys.Self() && ProcessKeys.IsRunning(writer))
            {
                throw new StoreException($"--resume: watch {id} is being written by leakhound (PID {ProcessKeys.PidOf(writer)}), which still runs");
            }

            using SqliteCommand take = Command("UPDATE watches SET ended = NULL, stopped_because = NULL, outcome = NULL, writer = $me WHERE id = $w;",
                ("$me", ProcessKeys.Self()), ("$w", id));
            take.Transaction = claim;
            take.ExecuteNonQuery();
            claim.Commit();
        }

        WatchId = id;
        _lastT = List().FirstOrDefault(w => w.Id == id)?.LastT ?? 0;
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

    /// <summary>Records a gap or a restart on the watch's time line.</summary>
    public void Mark(TimelineMark mark)
    {
        using SqliteCommand insert = Command("INSERT INTO marks(watch_id, t, kind, seconds) VALUES ($w, $t, $k, $s);",
            ("$w", WatchId), ("$t", mark.T), ("$k", mark.Kind), ("$s", mark.Seconds));
        insert.ExecuteNonQuery();
    }

    /// <summary>The gaps and restarts of a watch's time line, in time order.</summary>
    public IReadOnlyList<TimelineMark> Marks(long watchId) => Reading(() =>
    {
        using SqliteCommand q = Command("SELECT t, kind, seconds FROM marks WHERE watch_id = $w ORDER BY t;", ("$w", watchId));
        using SqliteDataReader r = q.ExecuteReader();
        List<TimelineMark> marks = [];
        while (r.Read())
        {
            marks.Add(new TimelineMark(r.GetDouble(0), r.GetString(1), r.GetDouble(2)));
        }

        return marks;
    });

    /// <param name="stoppedBecause">Why the watch ended.</param>
    /// <param name="outcome">What it concluded, in a few words.</param>
    public void End(string stoppedBecause, string? outcome = null)
    {
        if (Failed || WatchId == 0)
        {
            return;
        }

        try
        {
            using SqliteCommand end = Command("UPDATE watches SET ended = $e, stopped_because = $b, outcome = $o, writer = NULL WHERE id = $w;",
                ("$e", DateTimeOffset.UtcNow.ToString("O")), ("$b", stoppedBecause), ("$o", (object?)outcome ?? DBNull.Value), ("$w", WatchId));
            end.ExecuteNonQuery();
        }
        catch (SqliteException e)
        {
            _warn($"cannot mark the watch ended in '{Path}' ({Describe(e)})");
        }
    }

    /// <summary>Every watch, newest first.</summary>
    /// <exception cref="StoreException">The store is damaged.</exception>
    public IReadOnlyList<WatchRecord> List() => Reading(() =>
    {
        string Later(string column) => _columns.Contains(column) ? "w." + column : "NULL";
        using SqliteCommand q = Command($"""
            SELECT w.id, w.started, w.command, w.targets, w.ended, w.stopped_because,
                   (SELECT COUNT(*) FROM samples JOIN series ON series.id = samples.series_id WHERE series.watch_id = w.id),
                   (SELECT IFNULL(MAX(t), 0) FROM samples JOIN series ON series.id = samples.series_id WHERE series.watch_id = w.id),
                   {Later("command_line")}, {Later("processes")}, {Later("writer")}, {Later("outcome")}
            FROM watches w ORDER BY w.id DESC;
            """);
        using SqliteDataReader r = q.ExecuteReader();
        List<WatchRecord> list = [];
        while (r.Read())
        {
            list.Add(new WatchRecord(r.GetInt64(0), DateTimeOffset.Parse(r.GetString(1), System.Globalization.CultureInfo.InvariantCulture), r.GetString(2), r.GetString(3),
                r.IsDBNull(4) ? null : DateTimeOffset.Parse(r.GetString(4), System.Globalization.CultureInfo.InvariantCulture), r.IsDBNull(5) ? null : r.GetString(5),
                r.GetInt64(6), r.GetDouble(7))
            {
                CommandLine = r.IsDBNull(8) ? null : r.GetString(8),
                Processes = r.IsDBNull(9) ? null : r.GetString(9),
                Writer = r.IsDBNull(10) ? null : r.GetString(10),
                Outcome = r.IsDBNull(11) ? null : r.GetString(11),
            });
        }

        return list;
    });

    /// <summary>Every sample of a watch in time order, for replay into detectors or a trace (bounded by thinning).</summary>
    /// <exception cref="StoreException">The store is damaged.</exception>
    public IReadOnlyList<(double T, string Series, double Value)> Samples(long watchId) => Reading(() =>
    {
        using SqliteCommand q = Command("""
            SELECT samples.t, series.name, samples.value FROM samples JOIN series ON series.id = samples.series_id
            WHERE series.watch_id = $w ORDER BY samples.t, series.id;
            """, ("$w", watchId));
        using SqliteDataReader r = q.ExecuteReader();
        List<(double, string, double)> rows = [];
        while (r.Read())
        {
            rows.Add((r.GetDouble(0), r.GetString(1), r.GetDouble(2)));
        }

        return (IReadOnlyList<(double T, string Series, double Value)>)rows;
    });

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
