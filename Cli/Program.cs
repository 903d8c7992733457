using FaceAspire.Cli;
using FaceAspire.Cli.CommandLine;

return await CommandLineApp.RunAsync(CliCommands.Create(), args);
