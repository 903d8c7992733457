using FaceAspire.Core.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FaceAspire.Core.Data.EntityConfigurations;

internal sealed class FaceEntityTypeConfiguration : IEntityTypeConfiguration<Face>
{
    /// <summary>The shadow property of <c>faces.written_xact</c> (ADR 0012), written only by the database.</summary>
    public const string WrittenXact = "WrittenXact";

    public void Configure(EntityTypeBuilder<Face> builder)
    {
        builder.ToTable("faces", t =>
        {
            t.HasCheckConstraint("ck_faces_landmarks", $"cardinality(landmarks) = {FaceSchema.LandmarkValues}");
            t.HasCheckConstraint("ck_faces_identity_state", $"identity_state IN ({SqlList.Of(FaceIdentityStates.All)})");
            // A person exactly when assigned: the state can never disagree with the foreign key.
            t.HasCheckConstraint("ck_faces_identity_person",
                $"(identity_state = '{FaceIdentityStates.Assigned}') = (person_id IS NOT NULL)");
        });
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.Property(f => f.NewPerson).HasDefaultValue(false);
        builder.Property(f => f.IdentityState).HasMaxLength(16).HasDefaultValue(FaceIdentityStates.Assigned);
        builder.Property(f => f.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(f => f.Embedding).HasColumnType(FaceSchema.VectorType);
        // The index's half-precision copy (ADR 0009): a stored generated column, so the HNSW index is an index on a
        // mapped property (EF Core cannot declare an expression index) and a LINQ query can order by it.
        builder.Property(f => f.HalfEmbedding).HasColumnType(FaceSchema.HalfVectorType)
            .HasComputedColumnSql($"(embedding::{FaceSchema.HalfVectorType})", stored: true);
        builder.HasIndex(f => f.HalfEmbedding).HasDatabaseName(FaceSchema.HnswIndex)
            .HasMethod("hnsw").HasOperators(FaceSchema.HnswOperatorClass)
            .HasStorageParameter("m", FaceSchema.HnswM).HasStorageParameter("ef_construction", FaceSchema.HnswEfConstruction);
        // The transaction that last wrote the vector (ADR 0012): the column default stamps inserts, the trigger of the
        // baseline migration stamps re-embeddings. Only the matcher's catch-up reads it (FaceStore.WrittenSinceSql).
        builder.Property<ulong?>(WrittenXact).HasColumnType("xid8").HasDefaultValueSql("pg_current_xact_id()");
        builder.HasIndex(WrittenXact).HasDatabaseName("ix_faces_written_xact");
        builder.HasIndex(f => f.FrameId).HasDatabaseName("ix_faces_frame_id");
        // The deferred-face job and the unidentified page read faces without a person by state.
        builder.HasIndex(f => new { f.IdentityState, f.CreatedAt }).HasDatabaseName("ix_faces_identity_state_created_at")
            .HasFilter($"identity_state <> '{FaceIdentityStates.Assigned}'");
        builder.HasIndex(f => new { f.PersonId, f.CapturedAt }).HasDatabaseName("ix_faces_person_id_captured_at");
        builder.HasOne(f => f.Frame).WithMany(fr => fr.Faces).HasForeignKey(f => f.FrameId).OnDelete(DeleteBehavior.Cascade);
        // Not SET NULL: a face losing its person must also change state (ck_faces_identity_person), so whoever deletes a
        // person first moves, unassigns or deletes its faces (PersonEditor, PersonMerger).
        builder.HasOne(f => f.Person).WithMany(p => p.Faces).HasForeignKey(f => f.PersonId).OnDelete(DeleteBehavior.Restrict);
    }
}
