using FaceAspire.Worker.Extensions;

// A web host only for /health and /alive (the AppHost's health checks); the work arrives over RabbitMQ.
var builder = WebApplication.CreateBuilder(args);
// Several workers run on one machine: one started without an address (by hand, by a test) takes a free loopback
// port for its probes instead of Kestrel's default 5000, which the second one could not bind.
if (builder.Configuration["urls"] is null && builder.Configuration["http_ports"] is null)
    builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.AddServiceDefaults();
builder.AddWorkerServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
