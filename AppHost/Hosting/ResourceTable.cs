using Spectre.Console;
using Spectre.Console.Rendering;

namespace FaceAspire.AppHost.Hosting;

/// <summary>
/// What the AppHost shows. On a terminal: a live table (name, state, pid, URL, restarts) above the last
/// <see cref="TailLines"/> child log lines. Otherwise (CI, tests, pipes): every child line as <c>[name] line</c>
/// and every state change as <c>[apphost] name: State pid=… url=…</c>. Either way all lines also go to the
/// per-resource log files (<see cref="ProcessRunner"/>).
/// </summary>
internal sealed class ResourceTable
{
    private const int TailLines = 14;
    private readonly Lock _gate = new();
    private readonly Queue<string> _tail = new();
    private readonly List<ResourceInstance> _rows = [];
    private string _headline = "starting";

    public ResourceTable(bool live) => IsLive = live;

    public bool IsLive { get; }

    /// <summary>Raised after any row changes (state.json is rewritten from it).</summary>
    public event Action? Changed;

    public void Track(IEnumerable<ResourceInstance> rows)
    {
        foreach (var row in rows)
        {
            _rows.Add(row);
            row.Changed += OnChanged;
        }
    }

    public IReadOnlyList<ResourceInstance> Rows => _rows;

    private void OnChanged(ResourceInstance row)
    {
        if (!IsLive)
        {
            var detail = string.Join(' ', new[]
            {
                row.Pid is { } pid ? $"pid={pid}" : null,
                row.Url is { } url && row.State == ResourceState.Running ? $"url={url}" : null,
                row.Restarts > 0 ? $"restarts={row.Restarts}" : null,
                row.Message,
            }.Where(s => s is not null));
            Write($"[apphost] {row.Name}: {row.State} {detail}".TrimEnd());
        }
        Changed?.Invoke();
    }

    /// <summary>A child's output line.</summary>
    public void Log(string name, string line) => Write($"[{name}] {line}");

    /// <summary>An AppHost message.</summary>
    public void Info(string message) => Write($"[apphost] {message}");

    /// <summary>The one-line summary above the table ("ready in 6.1 s", "stopping").</summary>
    public void Headline(string text)
    {
        lock (_gate) _headline = text;
        Info(text);
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            if (!IsLive)
            {
                Console.Out.WriteLine(line);
                return;
            }
            _tail.Enqueue(line);
            while (_tail.Count > TailLines) _tail.Dequeue();
        }
    }

    /// <summary>Redraws the table four times a second until <paramref name="ct"/> fires (live mode only).</summary>
    public Task RunLiveAsync(CancellationToken ct) =>
        AnsiConsole.Live(Render()).AutoClear(false).StartAsync(async live =>
        {
            while (!ct.IsCancellationRequested)
            {
                live.UpdateTarget(Render());
                try { await Task.Delay(250, ct); } catch (OperationCanceledException) { }
            }
            live.UpdateTarget(Render());
        });

    private IRenderable Render()
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("Name", "State", "PID", "URL", "Restarts", "Detail");
        string[] tail;
        string headline;
        lock (_gate)
        {
            tail = [.. _tail];
            headline = _headline;
        }
        foreach (var row in _rows)
        {
            var color = row.State switch
            {
                ResourceState.Running or ResourceState.Finished => "green",
                ResourceState.FailedToStart => "red",
                ResourceState.Restarting => "yellow",
                _ => "grey",
            };
            table.AddRow(Markup.Escape(row.Name), $"[{color}]{row.State}[/]", row.Pid?.ToString() ?? "",
                Markup.Escape(row.Url ?? ""), row.Restarts.ToString(), Markup.Escape(row.Message ?? ""));
        }
        table.Title = new TableTitle($"FaceAspire AppHost: {Markup.Escape(headline)}");
        var logs = new Panel(new Text(string.Join('\n', tail.Select(t => t.Length > 160 ? t[..160] : t))))
            .Header("logs (.run/logs/<name>.log)").Expand();
        return new Rows(table, logs);
    }
}
