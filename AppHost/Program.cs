using Microsoft.Extensions.Configuration;

using FaceAspire.AppHost.Extensions;

// The system's diagram: containers, the migration step, the services and who waits for whom (README, DESIGN.md).
var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres")
    .WithConfiguredImage("Images:Postgres")
    .WithDataVolumeUnlessDisabled("faceaspire-postgres-data")
    .WithArgs("-c", $"shared_buffers={builder.Configuration["Postgres:SharedBuffers"] ?? "1GB"}");
var facedb = postgres.AddDatabase("facedb");

var messaging = builder.AddRabbitMQ("messaging")
    .WithManagementPlugin()
    .WithConfiguredImage("Images:RabbitMq")
    .WithDataVolumeUnlessDisabled("faceaspire-rabbitmq-data");

// The services connect as a role that may read and write rows but not change the schema; the migration step,
// which connects as the owner, creates it with this password.
var appRole = builder.AddAppRole(postgres, facedb);
var devApiKey = builder.AddDevApiKey();
// Wraps the data keys of stored images; every service that reads or writes images gets it, the database never does.
var encryptionKey = builder.AddEncryptionKey();

var migrations = builder.AddProject<Projects.MigrationService>("migrations")
    .WithReference(facedb)
    .WithAppRolePassword(appRole)
    .WaitFor(facedb);

var api = builder.AddProject<Projects.Api>("api")
    .WithReference(appRole.ConnectionString, "facedb")
    .WithReference(messaging)
    .WithEnvironment("Api__BootstrapApiKey", devApiKey)
    .WithEnvironment("Encryption__Key", encryptionKey)
    .WaitFor(messaging)
    .WaitForCompletion(migrations)
    .WithHttpHealthCheck("/health");

var worker = builder.AddProject<Projects.Worker>("worker")
    .WithReplicas(builder.Configuration.GetValue("Worker:Replicas", 2))
    .WithReference(appRole.ConnectionString, "facedb")
    .WithReference(messaging)
    .WithHttpEndpoint(name: "health")
    .WithEnvironment("Encryption__Key", encryptionKey)
    .WaitFor(messaging)
    .WaitForCompletion(migrations)
    .WithHttpHealthCheck("/health", endpointName: "health");

var admin = builder.AddProject<Projects.Admin>("admin")
    .WithReference(appRole.ConnectionString, "facedb")
    .WithReference(messaging)
    .WithManagementConnection(messaging)
    .WithReference(api)
    .WithEnvironment("Admin__ApiKey", devApiKey)
    .WithEnvironment("Encryption__Key", encryptionKey)
    .WaitFor(api)
    .WithHttpHealthCheck("/health");

builder.WriteEndpointsFileWhenHealthy(api, admin, devApiKey);
builder.RestartWhenCrashed(api, worker, admin);

builder.Build().Run();
