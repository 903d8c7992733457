using FaceAspire.Bench;
using FaceAspire.Cli.CommandLine;

return await CommandLineApp.RunAsync(BenchCommands.Create(), args);
