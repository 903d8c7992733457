using FaceAspire.AppHost.Hosting;

namespace FaceAspire.AppHost.Tests;

/// <summary>The resource model in process: wiring and the exact environment a child receives.</summary>
public sealed class ApplicationModelTests
{
    private static DistributedApplicationBuilder Builder(params string[] args) =>
        DistributedApplication.CreateBuilder([$"--AppHost:RunDirectory={Directory.CreateTempSubdirectory("apphost-model").FullName}", .. args]);

    [Fact]
    public async Task ConfiguredConnectionStringsAreUsedAndNothingIsStarted()
    {
        var builder = Builder("--ConnectionStrings:facedb=Host=db.example;Password=app-secret",
            "--ConnectionStrings:facedb-owner=Host=db.example;Password=owner-secret",
            "--ConnectionStrings:messaging=amqp://u:p@mq.example:5672/");
        var db = builder.AddPostgres("facedb");
        var mq = builder.AddRabbitMQ("messaging");
        var migrations = builder.AddProject("migrations", "Api", "migrate").WithReference(db).WithReference(db.OwnerConnection()).WaitFor(db);
        var worker = builder.AddProject("worker", "Worker").WithReplicas(2).WithReference(db).WithReference(mq)
            .WaitFor(db).WaitForCompletion(migrations);
        using var app = builder.Build();
        var context = new OrchestratorContext(builder.Options, new ResourceTable(live: false), "Development",
            new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318" });

        // External resources start without running any script (infra/ would fail here: no instance exists).
        await db.Resource.StartAsync(context, CancellationToken.None);
        await mq.Resource.StartAsync(context, CancellationToken.None);
        Assert.True(db.Resource.Ready.Task.IsCompletedSuccessfully);
        Assert.Equal(ResourceState.Running, db.Resource.Instances[0].State);
        Assert.Equal("Host=db.example;Password=***", db.Resource.Instances[0].Url);
        Assert.Equal("amqp://u***@mq.example:5672/", mq.Resource.Instances[0].Url);

        Assert.True(migrations.Resource.RunsToCompletion);
        Assert.Equal(["worker-1", "worker-2"], worker.Resource.Instances.Select(i => i.Name));
        var env = await worker.Resource.BuildEnvironmentAsync(1, context, CancellationToken.None);
        Assert.Equal("worker", env["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=worker-2", env["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal("http://127.0.0.1:4318", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("Host=db.example;Password=app-secret", env["ConnectionStrings__facedb"]);
        Assert.Equal("amqp://u:p@mq.example:5672/", env["ConnectionStrings__messaging"]);
        Assert.True(int.Parse(env["HEALTH_PORT"]) > 0);
        Assert.False(env.ContainsKey("ASPNETCORE_URLS"));
        var migrationEnv = await migrations.Resource.BuildEnvironmentAsync(0, context, CancellationToken.None);
        Assert.Equal("Host=db.example;Password=owner-secret", migrationEnv["ConnectionStrings__facedb-owner"]);
        Assert.StartsWith("http://127.0.0.1:", migrationEnv["ASPNETCORE_URLS"]);
    }

    [Fact]
    public async Task ProjectReferencesBecomeServiceDiscoveryVariables()
    {
        var builder = Builder();
        var api = builder.AddProject("api", "Api").WithEnvironment("Api__BootstrapApiKey", builder.DevApiKey);
        var admin = builder.AddProject("admin", "Admin").WithReference(api).WaitFor(api);
        using var app = builder.Build();
        var context = new OrchestratorContext(builder.Options, new ResourceTable(false), "Development", new Dictionary<string, string>());
        var env = await admin.Resource.BuildEnvironmentAsync(0, context, CancellationToken.None);
        Assert.Equal(api.Resource.Url, env["services__api__http__0"]);
        Assert.Matches("^http://127\\.0\\.0\\.1:[0-9]+$", api.Resource.Url);
        Assert.NotEqual(api.Resource.Url, admin.Resource.Url);
        var apiEnv = await api.Resource.BuildEnvironmentAsync(0, context, CancellationToken.None);
        Assert.Equal(api.Resource.Url, apiEnv["ASPNETCORE_URLS"]);
        Assert.Matches("^fa_[A-Za-z0-9_-]{43}$", apiEnv["Api__BootstrapApiKey"]);
        // The key is kept (mode 600) and reused.
        var keyFile = Path.Combine(builder.Options.RunDirectory!, "dev-api-key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(builder.DevApiKey, Builder($"--AppHost:RunDirectory={builder.Options.RunDirectory}").DevApiKey);
    }

    [Theory]
    [InlineData("Facedb")]
    [InlineData("face_db")]
    [InlineData("-db")]
    public void ResourceNamesAreLowercaseKebab(string name) =>
        Assert.Throws<ArgumentException>(() => Builder().AddPostgres(name));

    [Fact]
    public void ReplicasOutsideOneToSixteenAreRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Builder().AddProject("worker", "Worker").WithReplicas(0));
}
