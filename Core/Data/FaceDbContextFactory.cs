using Microsoft.EntityFrameworkCore.Design;

namespace FaceAspire.Core.Data;

/// <summary>
/// How <c>dotnet ef</c> builds the context at design time (<c>migrations add</c>, <c>migrations list</c>, <c>database
/// update</c>), without starting a host: on <c>ConnectionStrings__facedb</c> when set (an owner's connection string,
/// for commands that touch a database), else on a local placeholder that <c>migrations add</c> never connects to.
/// </summary>
public sealed class FaceDbContextFactory : IDesignTimeDbContextFactory<FaceDbContext>
{
    /// <inheritdoc />
    public FaceDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__facedb")
            ?? "Host=localhost;Database=facedb;Username=postgres";
        return new FaceDbContext(FaceDbContext.CreateOptions(FaceDbServiceCollectionExtensions.CreateDataSource(connectionString)));
    }
}
