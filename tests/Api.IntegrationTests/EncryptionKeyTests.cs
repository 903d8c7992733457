using FaceAspire.Core.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>The Api refuses to start without a key-encryption key, with one message that says what to set.</summary>
public sealed class EncryptionKeyTests
{
    [Fact]
    public async Task WithoutAKeyTheApiStopsAtStartSayingWhatToSet()
    {
        await using var app = ApiApp.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Nothing listens there: the check must come before any connection.
            ["ConnectionStrings:facedb"] = "Host=127.0.0.1;Port=1;Database=x;Username=x;Password=x",
            ["ConnectionStrings:messaging"] = "amqp://guest:guest@127.0.0.1:1/",
            ["Encryption:Key"] = "",
        }));
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        var message = Assert.Single(error.Failures);
        Assert.Contains($"{EncryptionOptions.SectionName}:Key", message);
        Assert.Contains($"{EncryptionOptions.SectionName}:KeyFile", message);
    }
}
