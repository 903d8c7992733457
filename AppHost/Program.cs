using FaceAspire.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

// The application model (issue 4), in Aspire.Hosting's shape: see docs/adr/0005-own-apphost.md.
var builder = DistributedApplication.CreateBuilder(args);

var db = builder.AddPostgres("facedb");
var messaging = builder.AddRabbitMQ("messaging");

var migrations = builder.AddProject("migrations", "Api", "migrate")
    .WithReference(db)
    .WithReference(db.OwnerConnection())
    .WaitFor(db);

var api = builder.AddProject("api", "Api")
    .WithReference(db)
    .WithReference(messaging)
    .WithEnvironment("Api__BootstrapApiKey", builder.DevApiKey)
    .WaitFor(db)
    .WaitFor(messaging)
    .WaitForCompletion(migrations);

builder.AddProject("worker", "Worker")
    .WithReplicas(builder.Configuration.GetValue("Worker:Replicas", 2))
    .WithReference(db)
    .WithReference(messaging)
    .WaitFor(db)
    .WaitFor(messaging)
    .WaitForCompletion(migrations);

builder.AddProject("admin", "Admin")
    .WithReference(db)
    .WithReference(messaging)
    .WithReference(messaging.ManagementConnection())
    .WithReference(api)
    .WithEnvironment("Admin__ApiKey", builder.DevApiKey)
    .WaitFor(api);

builder.Build().Run();
