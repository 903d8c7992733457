using FaceAspire.Core.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FaceAspire.Core.Data.EntityConfigurations;

internal sealed class FrameImageEntityTypeConfiguration : IEntityTypeConfiguration<FrameImage>
{
    public void Configure(EntityTypeBuilder<FrameImage> builder)
    {
        builder.ToTable("frame_images");
        builder.HasKey(i => i.FrameId);
    }
}
