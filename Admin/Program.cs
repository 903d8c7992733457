using FaceAspire.Admin.Extensions;
using FaceAspire.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.UseAdminPipeline();
app.MapDefaultEndpoints();
app.MapAdminEndpoints();
app.Run();
