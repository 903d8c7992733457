using FaceAspire.ServiceDefaults;

// Placeholder until the Api applies migrations here: the AppHost runs `FaceAspire.Api migrate` to completion.
if (args is ["migrate"]) return;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
