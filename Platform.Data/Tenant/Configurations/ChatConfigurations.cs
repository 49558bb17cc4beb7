using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Tenant.Entities;

namespace Platform.Data.Tenant.Configurations;

public class ChatConfiguration : IEntityTypeConfiguration<Chat>
{
    public void Configure(EntityTypeBuilder<Chat> b)
    {
        b.IsTenantEntity("chats");
        b.Property(c => c.Title).HasMaxLength(200);
        b.Property(c => c.Model).HasMaxLength(200);
        b.Property(c => c.GenerationStatus).HasMaxLength(20).HasDefaultValue(ChatGenerationStatus.Idle);
        b.HasIndex(c => new { c.WorkspaceId, c.UserId, c.UpdatedAt });
        b.HasOne<AiPersonality>().WithMany().HasForeignKey(c => new { c.WorkspaceId, c.PersonalityId })
            .OnDelete(DeleteBehavior.Restrict);
    }
}

public class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> b)
    {
        b.IsTenantEntity("messages");
        b.Property(m => m.Role).HasMaxLength(20);
        b.Property(m => m.Status).HasMaxLength(20).HasDefaultValue(MessageStatus.Complete);
        b.Property(m => m.FinishReason).HasMaxLength(40);
        b.Property(m => m.Provider).HasMaxLength(100);
        b.Property(m => m.Model).HasMaxLength(200);
        b.Property(m => m.ErrorKind).HasMaxLength(40);
        b.Property(m => m.CostUsd).HasPrecision(18, 8);
        b.Property(m => m.Citations).HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb");
        b.Property(m => m.Attachments).HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb");
        b.HasOne(m => m.Chat).WithMany(c => c.Messages).HasForeignKey(m => new { m.WorkspaceId, m.ChatId })
            .OnDelete(DeleteBehavior.Cascade);
        // Versions hang off their parent; the whole tree goes when its chat is purged (one statement).
        b.HasOne<Message>().WithMany().HasForeignKey(m => new { m.WorkspaceId, m.ParentId })
            .OnDelete(DeleteBehavior.NoAction);
        b.HasIndex(m => new { m.WorkspaceId, m.ChatId, m.CreatedAt });
        b.HasIndex(m => new { m.WorkspaceId, m.ParentId });
    }
}

public class MessageVoteConfiguration : IEntityTypeConfiguration<MessageVote>
{
    public void Configure(EntityTypeBuilder<MessageVote> b)
    {
        b.IsTenantEntity("message_votes");
        b.Property(v => v.Reason).HasMaxLength(1000);
        b.HasOne<Message>().WithMany().HasForeignKey(v => new { v.WorkspaceId, v.MessageId }).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(v => new { v.WorkspaceId, v.MessageId, v.UserId }).IsUnique();
        b.ToTable(t => t.HasCheckConstraint("ck_message_votes_value", "value IN (-1, 1)"));
    }
}

public class MessageSuggestionConfiguration : IEntityTypeConfiguration<MessageSuggestion>
{
    public void Configure(EntityTypeBuilder<MessageSuggestion> b)
    {
        b.IsTenantEntity("message_suggestions");
        b.Property(s => s.Text).HasMaxLength(300);
        b.HasOne<Message>().WithMany().HasForeignKey(s => new { s.WorkspaceId, s.MessageId }).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.WorkspaceId, s.MessageId, s.Position }).IsUnique();
    }
}

public class GenerationStreamConfiguration : IEntityTypeConfiguration<GenerationStream>
{
    public void Configure(EntityTypeBuilder<GenerationStream> b)
    {
        b.IsTenantEntity("generation_streams");
        b.Property(s => s.Status).HasMaxLength(20);
        b.Property(s => s.InstanceId).HasMaxLength(200);
        b.HasOne<Message>().WithMany().HasForeignKey(s => new { s.WorkspaceId, s.MessageId }).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.Status, s.HeartbeatAt });
    }
}
