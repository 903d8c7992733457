using FaceAspire.Api;
using FaceAspire.Api.Commands;

// `migrate` is the schema step the AppHost runs before the services; `bench-ingest` is the load generator.
return args switch
{
    ["migrate", ..] => await MigrateCommand.RunAsync(args[1..]),
    ["bench-ingest", ..] => await BenchIngestCommand.RunAsync(args[1..]),
    _ => await RunApiAsync(args),
};

static async Task<int> RunApiAsync(string[] args)
{
    await ApiApp.Build(args).RunAsync();
    return 0;
}
