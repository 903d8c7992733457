using FaceAspire.Worker.Extensions;

// A web host only for /health and /alive (the AppHost's health checks); the work arrives over RabbitMQ.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWorkerServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
