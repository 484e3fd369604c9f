using System.Buffers;
using System.Text.Json;

namespace LeakHound.Probes.Node.Snapshots;

/// <summary>
/// A V8 heap snapshot (<c>.heapsnapshot</c>) in flat arrays, as the format itself is: <c>nodes</c> and <c>edges</c>
/// are integers, <c>node_fields</c> fields per node and <c>edge_fields</c> per edge (their offsets read by name from
/// <c>snapshot.meta</c>, never assumed), node <em>i</em> owning the next <c>edge_count</c> edges, names indexing
/// <c>strings</c>. Read by streaming (no DOM): a snapshot of a 500 MB heap is millions of nodes.
/// </summary>
public sealed class HeapSnapshot
{
    private readonly int[] _nodes;
    private readonly int[] _edges;
    private readonly int[] _firstEdge;
    private readonly int _nodeFields, _edgeFields;
    private readonly int _typeOffset, _nameOffset, _idOffset, _sizeOffset, _edgeCountOffset;
    private readonly int _edgeTypeOffset, _edgeNameOffset, _edgeToOffset;

    private HeapSnapshot(Meta meta, int[] nodes, int[] edges, string[] strings)
    {
        _nodeFields = meta.NodeFields.Count;
        _edgeFields = meta.EdgeFields.Count;
        _typeOffset = Required(meta.NodeFields, "type");
        _nameOffset = Required(meta.NodeFields, "name");
        _idOffset = Required(meta.NodeFields, "id");
        _sizeOffset = Required(meta.NodeFields, "self_size");
        _edgeCountOffset = Required(meta.NodeFields, "edge_count");
        _edgeTypeOffset = Required(meta.EdgeFields, "type");
        _edgeNameOffset = Required(meta.EdgeFields, "name_or_index");
        _edgeToOffset = Required(meta.EdgeFields, "to_node");
        NodeTypes = meta.NodeTypes;
        EdgeTypes = meta.EdgeTypes;
        _nodes = nodes;
        _edges = edges;
        Strings = strings;
        if (_nodeFields == 0 || _edgeFields == 0 || nodes.Length % _nodeFields != 0 || edges.Length % _edgeFields != 0)
        {
            throw new NodeInspectorException("not a heap snapshot: its nodes or edges do not fill whole records");
        }

        NodeCount = nodes.Length / _nodeFields;
        _firstEdge = new int[NodeCount + 1];
        int edge = 0;
        for (int i = 0; i < NodeCount; i++)
        {
            _firstEdge[i] = edge;
            int count = nodes[(i * _nodeFields) + _edgeCountOffset];
            edge = count >= 0 && edge + (long)count <= int.MaxValue ? edge + count
                : throw new NodeInspectorException($"not a heap snapshot: node {i} owns {count} edges");
        }

        _firstEdge[NodeCount] = edge;
        if (edge != edges.Length / _edgeFields)
        {
            throw new NodeInspectorException($"not a heap snapshot: its nodes own {edge} edges, it has {edges.Length / _edgeFields}");
        }

        Validate();
    }

    /// <summary>Every index in range, once, so that no reader of the arrays can run off them.</summary>
    private void Validate()
    {
        if (NodeCount == 0)
        {
            throw new NodeInspectorException("not a heap snapshot: it has no nodes (not even the root)");
        }

        for (int i = 0; i < NodeCount; i++)
        {
            int at = i * _nodeFields;
            if ((uint)_nodes[at + _typeOffset] >= (uint)NodeTypes.Count || (uint)_nodes[at + _nameOffset] >= (uint)Strings.Count
                || _nodes[at + _edgeCountOffset] < 0)
            {
                throw new NodeInspectorException($"not a heap snapshot: node {i} names a type or string it does not have");
            }
        }

        for (int e = 0; e < EdgeCount; e++)
        {
            int at = e * _edgeFields;
            int to = _edges[at + _edgeToOffset];
            if ((uint)_edges[at + _edgeTypeOffset] >= (uint)EdgeTypes.Count || to < 0 || to % _nodeFields != 0 || to / _nodeFields >= NodeCount)
            {
                throw new NodeInspectorException($"not a heap snapshot: edge {e} leads nowhere");
            }
        }
    }

    public int NodeCount { get; }

    public int EdgeCount => _edges.Length / _edgeFields;

    public IReadOnlyList<string> NodeTypes { get; }

    public IReadOnlyList<string> EdgeTypes { get; }

    public IReadOnlyList<string> Strings { get; }

    public string TypeOf(int node) => NodeTypes[_nodes[(node * _nodeFields) + _typeOffset]];

    public string NameOf(int node) => Strings[_nodes[(node * _nodeFields) + _nameOffset]];

    public int IdOf(int node) => _nodes[(node * _nodeFields) + _idOffset];

    public long SizeOf(int node) => (uint)_nodes[(node * _nodeFields) + _sizeOffset];

    public int EdgeCountOf(int node) => _firstEdge[node + 1] - _firstEdge[node];

    /// <summary>The edges of a node: index into the edge records, for <see cref="EdgeTarget"/> and its kind and name.</summary>
    public (int First, int End) EdgesOf(int node) => (_firstEdge[node], _firstEdge[node + 1]);

    public int EdgeTarget(int edge) => _edges[(edge * _edgeFields) + _edgeToOffset] / _nodeFields;

    public string EdgeTypeOf(int edge) => EdgeTypes[_edges[(edge * _edgeFields) + _edgeTypeOffset]];

    /// <summary>A property's name, or an element's index (element and hidden edges hold an index, not a string).</summary>
    public string EdgeNameOf(int edge)
    {
        int value = _edges[(edge * _edgeFields) + _edgeNameOffset];
        return EdgeTypeOf(edge) is "element" or "hidden" ? $"[{value}]" : value >= 0 && value < Strings.Count ? Strings[value] : $"[{value}]";
    }

    private static int Required(IReadOnlyList<string> fields, string name)
    {
        for (int i = 0; i < fields.Count; i++)
        {
            if (fields[i] == name)
            {
                return i;
            }
        }

        throw new NodeInspectorException($"not a heap snapshot this reader knows: its meta has no '{name}' field");
    }

    private sealed record Meta(IReadOnlyList<string> NodeFields, IReadOnlyList<string> NodeTypes, IReadOnlyList<string> EdgeFields, IReadOnlyList<string> EdgeTypes);

    /// <summary>Reads a snapshot file.</summary>
    /// <exception cref="NodeInspectorException">Not a heap snapshot, or cut short.</exception>
    public static HeapSnapshot Read(string path)
    {
        using FileStream file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(file);
    }

    /// <exception cref="NodeInspectorException">Not a heap snapshot, or cut short.</exception>
    public static HeapSnapshot Read(Stream stream)
    {
        try
        {
            return new Reader(stream).Read();
        }
        catch (JsonException e)
        {
            throw new NodeInspectorException($"not a heap snapshot: {Core.Text.OneLine.Of(e.Message)}");
        }
    }

    /// <summary>
    /// Utf8JsonReader over a refilled buffer: the reader stops at the buffer's end, what it did not consume moves to
    /// the front, more is read after it. Only the parts used are kept: meta, nodes, edges, strings.
    /// </summary>
    private sealed class Reader(Stream stream)
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        private int _length;
        private int _consumed;
        private bool _final;
        private JsonReaderState _state;

        public HeapSnapshot Read()
        {
            try
            {
                Meta? meta = null;
                int[]? nodes = null, edges = null;
                string[]? strings = null;
                int nodeCount = 0, edgeCount = 0;
                Expect(JsonTokenType.StartObject);
                while (Next() is JsonTokenType.PropertyName)
                {
                    string name = Text();
                    switch (name)
                    {
                        case "snapshot":
                            (meta, nodeCount, edgeCount) = ReadSnapshotHeader();
                            break;
                        case "nodes":
                            nodes = ReadInts(meta is null ? 0 : nodeCount * meta.NodeFields.Count);
                            break;
                        case "edges":
                            edges = ReadInts(meta is null ? 0 : edgeCount * meta.EdgeFields.Count);
                            break;
                        case "strings":
                            strings = ReadStrings();
                            break;
                        default:
                            Skip();
                            break;
                    }
                }

                return meta is null || nodes is null || edges is null || strings is null
                    ? throw new NodeInspectorException("not a heap snapshot: it lacks snapshot, nodes, edges or strings")
                    : new HeapSnapshot(meta, nodes, edges, strings);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }
        }

        private (Meta Meta, int Nodes, int Edges) ReadSnapshotHeader()
        {
            Meta? meta = null;
            int nodes = 0, edges = 0;
            Expect(JsonTokenType.StartObject);
            while (Next() is JsonTokenType.PropertyName)
            {
                switch (Text())
                {
                    case "meta":
                        meta = ReadMeta();
                        break;
                    case "node_count":
                        Next();
                        nodes = Int();
                        break;
                    case "edge_count":
                        Next();
                        edges = Int();
                        break;
                    default:
                        Skip();
                        break;
                }
            }

            return (meta ?? throw new NodeInspectorException("not a heap snapshot: no snapshot.meta"), nodes, edges);
        }

        private Meta ReadMeta()
        {
            List<string> nodeFields = [], edgeFields = [], nodeTypes = [], edgeTypes = [];
            Expect(JsonTokenType.StartObject);
            while (Next() is JsonTokenType.PropertyName)
            {
                switch (Text())
                {
                    case "node_fields":
                        nodeFields = ReadStringList();
                        break;
                    case "edge_fields":
                        edgeFields = ReadStringList();
                        break;
                    case "node_types":
                        nodeTypes = ReadFirstEnum();
                        break;
                    case "edge_types":
                        edgeTypes = ReadFirstEnum();
                        break;
                    default:
                        Skip();
                        break;
                }
            }

            return new Meta(nodeFields, nodeTypes, edgeFields, edgeTypes);
        }

        /// <summary><c>[["hidden","array",…], "string", …]</c>: the first field's names (the type enum).</summary>
        private List<string> ReadFirstEnum()
        {
            List<string> names = [];
            Expect(JsonTokenType.StartArray);
            if (Next() is JsonTokenType.StartArray)
            {
                while (Next() is JsonTokenType.String)
                {
                    names.Add(Text());
                }
            }

            while (Next() is not JsonTokenType.EndArray)
            {
                SkipCurrent();
            }

            return names;
        }

        private List<string> ReadStringList()
        {
            List<string> list = [];
            Expect(JsonTokenType.StartArray);
            while (Next() is JsonTokenType.String)
            {
                list.Add(Text());
            }

            return list;
        }

        private int[] ReadInts(int expected)
        {
            int[] values = new int[Math.Max(expected, 0)];
            int count = 0;
            Expect(JsonTokenType.StartArray);
            while (Next() is JsonTokenType.Number)
            {
                if (count == values.Length)
                {
                    Array.Resize(ref values, Math.Max(16, values.Length * 2));
                }

                values[count++] = Int();
            }

            if (count != values.Length)
            {
                Array.Resize(ref values, count);
            }

            return values;
        }

        private string[] ReadStrings()
        {
            List<string> strings = [];
            Expect(JsonTokenType.StartArray);
            while (Next() is JsonTokenType.String)
            {
                strings.Add(Text());
            }

            return [.. strings];
        }

        private JsonTokenType _token;
        private string? _text;
        private long _number;

        private void Expect(JsonTokenType type)
        {
            if (Next() != type)
            {
                throw new NodeInspectorException($"not a heap snapshot: expected {type}, found {_token}");
            }
        }

        private string Text() => _text ?? "";

        private int Int() => _number is >= int.MinValue and <= uint.MaxValue ? unchecked((int)_number)
            : throw new NodeInspectorException($"not a heap snapshot: {_number} does not fit a field");

        /// <summary>Skips the value that follows a property name (an object or array with all it holds).</summary>
        private void Skip()
        {
            Next();
            SkipCurrent();
        }

        private void SkipCurrent()
        {
            if (_token is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            {
                return;
            }

            int depth = 1;
            while (depth > 0)
            {
                JsonTokenType t = Next();
                if (t is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    depth++;
                }
                else if (t is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    depth--;
                }
            }
        }

        /// <summary>The next token, refilling the buffer as the reader needs; its string or number kept.</summary>
        private JsonTokenType Next()
        {
            while (true)
            {
                Utf8JsonReader reader = new(_buffer.AsSpan(_consumed, _length - _consumed), _final, _state);
                if (reader.Read())
                {
                    _token = reader.TokenType;
                    _text = _token is JsonTokenType.String or JsonTokenType.PropertyName ? reader.GetString() : null;
                    if (_token == JsonTokenType.Number)
                    {
                        _number = reader.TryGetInt64(out long n) ? n : (long)reader.GetDouble();
                    }

                    _consumed += (int)reader.BytesConsumed;
                    _state = reader.CurrentState;
                    return _token;
                }

                if (_final)
                {
                    throw new NodeInspectorException("not a heap snapshot: it ends too early");
                }

                Refill();
            }
        }

        private void Refill()
        {
            int left = _length - _consumed;
            if (left == _buffer.Length)
            {
                // One token longer than the buffer (a long string): grow it.
                byte[] bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                Buffer.BlockCopy(_buffer, _consumed, bigger, 0, left);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }
            else
            {
                Buffer.BlockCopy(_buffer, _consumed, _buffer, 0, left);
            }

            _consumed = 0;
            _length = left;
            int read;
            while (_length < _buffer.Length && (read = stream.Read(_buffer, _length, _buffer.Length - _length)) > 0)
            {
                _length += read;
            }

            _final = _length < _buffer.Length;
        }
    }
}
