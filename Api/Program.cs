using FaceAspire.Api;

await ApiApp.Build(args).RunAsync();
