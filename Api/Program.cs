using FaceAspire.Api;
using FaceAspire.Api.Commands;

// `bench-ingest` is the load generator.
return args switch
{
    ["bench-ingest", ..] => await BenchIngestCommand.RunAsync(args[1..]),
    _ => await RunApiAsync(args),
};

static async Task<int> RunApiAsync(string[] args)
{
    await ApiApp.Build(args).RunAsync();
    return 0;
}
