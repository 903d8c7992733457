using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FaceAspire.Core.Security;

/// <summary>DI registration of encryption at rest.</summary>
public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="EncryptionOptions"/> to section <c>Encryption</c> and registers singletons <see cref="KeyRing"/>,
    /// <see cref="ImageSealer"/> and <see cref="ImageResealer"/> (which needs the process's <c>NpgsqlDataSource</c>). The options are validated at start (<c>ValidateOnStart</c>): a process without a
    /// key-encryption key stops at once with one message saying what to set, instead of failing at its first image.
    /// </summary>
    public static IServiceCollection AddImageEncryption(this IServiceCollection services)
    {
        services.AddOptions<EncryptionOptions>().BindConfiguration(EncryptionOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EncryptionOptions>, KeyValidator>());
        services.TryAddSingleton(sp => KeyRing.FromOptions(sp.GetRequiredService<IOptions<EncryptionOptions>>().Value));
        services.TryAddSingleton<ImageSealer>();
        services.TryAddSingleton<ImageResealer>();
        return services;
    }

    private static string? Check(EncryptionOptions options)
    {
        try
        {
            KeyRing.FromOptions(options);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    // Reports KeyRing's own message (which setting, what to put there) as the validation failure.
    private sealed class KeyValidator : IValidateOptions<EncryptionOptions>
    {
        public ValidateOptionsResult Validate(string? name, EncryptionOptions options) =>
            Check(options) is { } error ? ValidateOptionsResult.Fail(error) : ValidateOptionsResult.Success;
    }
}
