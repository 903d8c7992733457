using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FaceAspire.Testing;

/// <summary>A span as decoded from OTLP: ids as lowercase hex, parent empty for roots; <paramref name="Links"/> are the
/// span ids of its links (a batch span links the spans it serves).</summary>
public sealed record ReceivedSpan(string ServiceName, string? InstanceId, string Scope, string Name, string TraceId,
    string SpanId, string ParentSpanId, IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<string> Links);

/// <summary>
/// A minimal OTLP/HTTP receiver (http/protobuf) on 127.0.0.1: accepts POST /v1/traces, /v1/metrics, /v1/logs,
/// answers 200 with an empty body, and decodes trace requests with just enough protobuf
/// (opentelemetry-proto trace/v1/trace.proto, resource/v1, common/v1 field numbers) to list spans.
/// </summary>
public sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<ReceivedSpan> _spans = [];
    private readonly Dictionary<string, int> _posts = [];

    public OtlpReceiver()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public int Port { get; }
    public string Endpoint => $"http://127.0.0.1:{Port}";

    public IReadOnlyList<ReceivedSpan> Spans { get { lock (_spans) return [.. _spans]; } }

    public int Posts(string path) { lock (_spans) return _posts.GetValueOrDefault(path); }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            using var body = new MemoryStream();
            await ctx.Request.InputStream.CopyToAsync(body);
            var path = ctx.Request.Url!.AbsolutePath;
            lock (_spans)
            {
                _posts[path] = _posts.GetValueOrDefault(path) + 1;
                if (path == "/v1/traces" && ctx.Request.ContentType == "application/x-protobuf")
                    _spans.AddRange(DecodeTraces(body.ToArray()));
            }
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/x-protobuf";
            ctx.Response.Close();
        }
    }

    // ExportTraceServiceRequest{1: ResourceSpans*}; ResourceSpans{1: Resource, 2: ScopeSpans*};
    // Resource{1: KeyValue*}; KeyValue{1: key, 2: AnyValue{1: string_value}}; ScopeSpans{1: Scope{1: name}, 2: Span*};
    // Span{1: trace_id, 2: span_id, 4: parent_span_id, 5: name, 9: KeyValue*, 13: Link{1: trace_id, 2: span_id}*}.
    internal static List<ReceivedSpan> DecodeTraces(byte[] data)
    {
        var result = new List<ReceivedSpan>();
        foreach (var (field, resourceSpans) in Fields(data))
        {
            if (field != 1) continue;
            string service = "", instance = "";
            foreach (var (f, v) in Fields(resourceSpans))
            {
                if (f == 1)
                {
                    foreach (var (af, kv) in Fields(v))
                    {
                        if (af != 1) continue;
                        string key = "", value = "";
                        foreach (var (kf, kvv) in Fields(kv))
                            if (kf == 1) key = Encoding.UTF8.GetString(kvv);
                            else if (kf == 2) value = Fields(kvv).Where(x => x.Field == 1).Select(x => Encoding.UTF8.GetString(x.Value)).FirstOrDefault() ?? "";
                        if (key == "service.name") service = value;
                        if (key == "service.instance.id") instance = value;
                    }
                }
                else if (f == 2)
                {
                    var scope = "";
                    foreach (var (sf, sv) in Fields(v))
                    {
                        if (sf == 1) scope = Fields(sv).Where(x => x.Field == 1).Select(x => Encoding.UTF8.GetString(x.Value)).FirstOrDefault() ?? "";
                        if (sf != 2) continue;
                        string name = "", trace = "", span = "", parent = "";
                        var attributes = new Dictionary<string, string>();
                        var links = new List<string>();
                        foreach (var (pf, pv) in Fields(sv))
                            switch (pf)
                            {
                                case 1: trace = Convert.ToHexStringLower(pv); break;
                                case 2: span = Convert.ToHexStringLower(pv); break;
                                case 4: parent = Convert.ToHexStringLower(pv); break;
                                case 5: name = Encoding.UTF8.GetString(pv); break;
                                case 9:
                                    var (k, val) = KeyValue(pv);
                                    attributes[k] = val;
                                    break;
                                case 13:
                                    links.AddRange(Fields(pv).Where(x => x.Field == 2).Select(x => Convert.ToHexStringLower(x.Value)));
                                    break;
                            }
                        result.Add(new ReceivedSpan(service, instance, scope, name, trace, span, parent, attributes, links));
                    }
                }
            }
        }
        return result;
    }

    /// <summary>KeyValue{1: key, 2: AnyValue}: string values as is, int values (field 3, varint) in decimal.</summary>
    private static (string Key, string Value) KeyValue(byte[] kv)
    {
        string key = "", value = "";
        var pos = 0;
        while (pos < kv.Length)
        {
            var tag = ReadVarint(kv, ref pos);
            var length = (int)ReadVarint(kv, ref pos);
            var bytes = kv[pos..(pos + length)];
            pos += length;
            if (tag >> 3 == 1) key = Encoding.UTF8.GetString(bytes);
            else if (tag >> 3 == 2 && bytes.Length > 0)
            {
                var p = 0;
                var inner = ReadVarint(bytes, ref p);
                value = (inner >> 3) switch
                {
                    1 => Encoding.UTF8.GetString(bytes, p + VarintSize(bytes, p), (int)PeekVarint(bytes, p)),
                    3 => ((long)PeekVarint(bytes, p)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => "",
                };
            }
        }
        return (key, value);
    }

    private static ulong PeekVarint(byte[] data, int pos) => ReadVarint(data, ref pos);

    private static int VarintSize(byte[] data, int pos)
    {
        var start = pos;
        ReadVarint(data, ref pos);
        return pos - start;
    }

    /// <summary>Length-delimited fields (wire type 2) of a message; other wire types are skipped.</summary>
    private static List<(int Field, byte[] Value)> Fields(byte[] data)
    {
        var fields = new List<(int, byte[])>();
        var pos = 0;
        while (pos < data.Length)
        {
            var tag = ReadVarint(data, ref pos);
            var field = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0: ReadVarint(data, ref pos); break;
                case 1: pos += 8; break;
                case 5: pos += 4; break;
                case 2:
                    var length = (int)ReadVarint(data, ref pos);
                    fields.Add((field, data[pos..(pos + length)]));
                    pos += length;
                    break;
                default: throw new InvalidDataException($"wire type {tag & 7} at {pos}");
            }
        }
        return fields;
    }

    private static ulong ReadVarint(byte[] data, ref int pos)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[pos++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }

    public void Dispose() => _listener.Close();
}
