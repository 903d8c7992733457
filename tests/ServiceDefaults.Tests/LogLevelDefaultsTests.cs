using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaceAspire.ServiceDefaults.Tests;

public sealed class LogLevelDefaultsTests
{
    [Theory]
    [InlineData("Npgsql.Command")]
    [InlineData("Microsoft.EntityFrameworkCore.Database.Command")]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics")]
    public void PerStatementAndPerRequestCategoriesLogWarningsButNotInformation(string category)
    {
        var records = Log(category, configure: null);

        Assert.Equal(["warning from " + category, "info from FaceAspire.Worker"], records);
    }

    [Theory]
    [InlineData("Npgsql.Command", "Npgsql.Command")]
    [InlineData("Npgsql.Command", "Npgsql")]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.AspNetCore")]
    public void TheUsersLevelForTheCategoryOrAParentWins(string category, string configured)
    {
        var records = Log(category, configure: c => c[$"Logging:LogLevel:{configured}"] = "Information");

        Assert.Equal(["info from " + category, "warning from " + category, "info from FaceAspire.Worker"], records);
    }

    /// <summary>Builds a host with the service defaults and logs an Information and a Warning line in
    /// <paramref name="category"/>, then an Information line of our own; returns what reached a logger provider.</summary>
    private static List<string> Log(string category, Action<Microsoft.Extensions.Configuration.IConfigurationManager>? configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Logging:LogLevel:Default"] = "Information";
        configure?.Invoke(builder.Configuration);
        builder.AddServiceDefaults();
        var capture = new CaptureProvider();
        builder.Logging.AddProvider(capture);
        using var host = builder.Build();
        var factory = host.Services.GetRequiredService<ILoggerFactory>();

        var logger = factory.CreateLogger(category);
        logger.LogInformation("info from {Category}", category);
        logger.LogWarning("warning from {Category}", category);
        factory.CreateLogger("FaceAspire.Worker").LogInformation("info from FaceAspire.Worker");
        return capture.Lines;
    }

    private sealed class CaptureProvider : ILoggerProvider
    {
        public List<string> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new CaptureLogger(Lines);

        public void Dispose() { }

        private sealed class CaptureLogger(List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines)
                    lines.Add(formatter(state, exception));
            }
        }
    }
}
