using FaceAspire.Admin.Extensions;
using FaceAspire.Admin.Services;

// `hash-password` reads a password from stdin and prints the value for Admin:PasswordHash, so the password itself
// never has to be written into configuration.
if (args is ["hash-password", ..])
{
    Console.WriteLine(AdminAccounts.HashPassword(Console.ReadLine() ?? ""));
    return 0;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.UseAdminPipeline();
app.MapDefaultEndpoints();
app.MapAdminEndpoints();
app.Run();
return 0;
