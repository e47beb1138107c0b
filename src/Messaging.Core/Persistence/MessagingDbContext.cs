using Messaging.Core.Appointments;
using Messaging.Core.Conversations;
using Messaging.Core.Dossiers;
using Messaging.Core.Notifications;
using Messaging.Core.Templates;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Core.Persistence;

/// <summary>
/// The one database of the product. Provider-specific subclasses exist only so each provider keeps its own
/// migrations; the model is the same.
/// </summary>
public abstract class MessagingDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Office> Offices => Set<Office>();
    public DbSet<OpeningHours> OpeningHours => Set<OpeningHours>();
    public DbSet<OfficeClosure> OfficeClosures => Set<OfficeClosure>();
    public DbSet<OfficeService> OfficeServices => Set<OfficeService>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<Booking> Bookings => Set<Booking>();
    public DbSet<SlotCounter> SlotCounters => Set<SlotCounter>();
    public DbSet<QueueCounter> QueueCounters => Set<QueueCounter>();
    public DbSet<PhoneGuard> PhoneGuards => Set<PhoneGuard>();
    public DbSet<Dossier> Dossiers => Set<Dossier>();
    public DbSet<DossierEvent> DossierEvents => Set<DossierEvent>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<SeedMarker> SeedMarkers => Set<SeedMarker>();
    public DbSet<MessageTemplate> MessageTemplates => Set<MessageTemplate>();
    public DbSet<TemplateVersion> TemplateVersions => Set<TemplateVersion>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<ConversationRecord> Conversations => Set<ConversationRecord>();
    public DbSet<ConversationActivity> ConversationActivities => Set<ConversationActivity>();
    public DbSet<HandoffRequest> HandoffRequests => Set<HandoffRequest>();
    public DbSet<QueueMessageRow> QueueMessages => Set<QueueMessageRow>();
    public DbSet<QueuePayload> QueuePayloads => Set<QueuePayload>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<DeliveryAttempt> DeliveryAttempts => Set<DeliveryAttempt>();
    public DbSet<ZaloUser> ZaloUsers => Set<ZaloUser>();
    public DbSet<ZaloToken> ZaloTokens => Set<ZaloToken>();
    public DbSet<InboundEvent> InboundEvents => Set<InboundEvent>();
    public DbSet<Messaging.Core.Staff.StaffUser> StaffUsers => Set<Messaging.Core.Staff.StaffUser>();

    /// <summary>True on SQLite, where a write transaction locks the whole file.</summary>
    public bool IsSqlite => Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Office>(e =>
        {
            e.ToTable("offices");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.TimeZoneId).HasMaxLength(64);
            e.Property(x => x.QueuePrefix).HasMaxLength(1);
            // Offices that exist before the column get the same default as new ones; the sentinel equals the default, so
            // an office created with 0 (no home visits) keeps 0 instead of taking the database default.
            e.Property(x => x.HomeVisitsPerDay).HasDefaultValue(2).HasSentinel(2);
            e.HasMany(x => x.Hours).WithOne().HasForeignKey(x => x.OfficeId);
            e.HasMany(x => x.Closures).WithOne().HasForeignKey(x => x.OfficeId);
            e.HasMany(x => x.Services).WithOne().HasForeignKey(x => x.OfficeId);
        });
        b.Entity<OpeningHours>().ToTable("opening_hours");
        b.Entity<OfficeClosure>(e =>
        {
            e.ToTable("office_closures");
            e.HasIndex(x => new { x.OfficeId, x.Date }).IsUnique();
        });
        b.Entity<OfficeService>().ToTable("office_services");
        b.Entity<Session>(e =>
        {
            e.ToTable("sessions");
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => new { x.OfficeId, x.Start });
        });
        b.Entity<Booking>(e =>
        {
            e.ToTable("bookings");
            e.HasIndex(x => x.Code).IsUnique();
            e.HasIndex(x => new { x.Phone, x.Status });
            e.HasIndex(x => new { x.OfficeId, x.Start });
            e.HasIndex(x => new { x.Channel, x.ChannelUserId });
            e.HasIndex(x => x.SessionId);
            e.HasIndex(x => x.IdempotencyKey).IsUnique();
            e.Property(x => x.IdempotencyKey).HasMaxLength(200);
            e.Property(x => x.ClientKey).HasMaxLength(32);
            e.Property(x => x.Email).HasMaxLength(200);
            e.Property(x => x.LastChangeKey).HasMaxLength(200);
            e.Property(x => x.Code).HasMaxLength(16);
            e.Property(x => x.Phone).HasMaxLength(16);
            e.Property(x => x.CitizenId).HasMaxLength(16);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Version).IsConcurrencyToken();
        });
        b.Entity<SlotCounter>(e =>
        {
            e.ToTable("slot_counters");
            e.HasKey(x => x.SlotKey);
            e.Property(x => x.SlotKey).HasMaxLength(64);
        });
        b.Entity<QueueCounter>(e =>
        {
            e.ToTable("queue_counters");
            e.HasKey(x => x.Key);
            e.Property(x => x.Key).HasMaxLength(128);
        });
        b.Entity<PhoneGuard>(e =>
        {
            e.ToTable("phone_guards");
            e.HasKey(x => x.Phone);
            e.Property(x => x.Phone).HasMaxLength(16);
        });
        b.Entity<Dossier>(e =>
        {
            e.ToTable("dossiers");
            e.HasKey(x => x.Code);
            e.Property(x => x.Code).HasMaxLength(64);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(24);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasMany(x => x.History).WithOne().HasForeignKey(x => x.DossierCode);
            e.HasIndex(x => x.Phone);
        });
        b.Entity<DossierEvent>(e =>
        {
            e.ToTable("dossier_events");
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(24);
        });
        b.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox");
            e.HasIndex(x => x.Key).IsUnique();
            e.HasIndex(x => new { x.DispatchedAt, x.OccurredAt });
            e.Property(x => x.Key).HasMaxLength(200);
            e.Property(x => x.Type).HasMaxLength(64);
            e.Property(x => x.TraceParent).HasMaxLength(64);
        });
        b.Entity<MessageTemplate>(e =>
        {
            e.ToTable("message_templates");
            e.HasKey(x => x.Key);
            e.Property(x => x.Key).HasMaxLength(128);
        });
        b.Entity<TemplateVersion>(e =>
        {
            e.ToTable("template_versions");
            e.HasIndex(x => new { x.Key, x.Number }).IsUnique();
            e.HasIndex(x => new { x.Key, x.Status });
            e.Property(x => x.Key).HasMaxLength(128);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        });
        b.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_log");
            e.HasIndex(x => x.At);
            e.HasIndex(x => new { x.Subject, x.At });
        });
        b.Entity<ConversationRecord>(e =>
        {
            e.ToTable("conversations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(128);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.Property(x => x.CredentialHash).HasMaxLength(64);
            e.HasIndex(x => new { x.ChannelId, x.UserId });
            e.HasIndex(x => x.UpdatedAt);
        });
        b.Entity<ConversationActivity>(e =>
        {
            e.ToTable("conversation_activities");
            e.HasIndex(x => new { x.ConversationId, x.Sequence }).IsUnique();
            e.HasIndex(x => x.At);
            e.Property(x => x.ConversationId).HasMaxLength(128);
            e.Property(x => x.Direction).HasMaxLength(8);
        });
        b.Entity<HandoffRequest>(e =>
        {
            e.ToTable("handoff_requests");
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.ClientKey).HasMaxLength(32);
            e.HasIndex(x => new { x.Status, x.CreatedAt });
            e.HasIndex(x => new { x.ChannelId, x.UserId, x.Status });
        });
        b.Entity<QueueMessageRow>(e =>
        {
            e.ToTable("queue_messages");
            e.Property(x => x.Queue).HasMaxLength(100);
            e.HasIndex(x => new { x.Queue, x.VisibleAt, x.Id });
        });
        b.Entity<QueuePayload>().ToTable("queue_payloads");
        b.Entity<Delivery>(e =>
        {
            e.ToTable("deliveries");
            e.HasIndex(x => x.Key).IsUnique();
            e.HasIndex(x => new { x.Status, x.CreatedAt });
            e.HasIndex(x => x.BroadcastId);
            e.HasIndex(x => x.ProviderMessageId);
            e.Property(x => x.Key).HasMaxLength(200);
            // The claim's owner guards every later write of the delivery: a worker whose lease was taken over fails to save.
            e.Property(x => x.Owner).HasMaxLength(80).IsConcurrencyToken();
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.SendingChannel).HasMaxLength(16);
            e.HasMany(x => x.Attempts).WithOne().HasForeignKey(x => x.DeliveryId);
        });
        b.Entity<DeliveryAttempt>().ToTable("delivery_attempts");
        b.Entity<Contact>(e =>
        {
            e.ToTable("contacts");
            e.HasIndex(x => x.Phone).IsUnique();
            e.Property(x => x.Phone).HasMaxLength(16);
        });
        b.Entity<Broadcast>(e =>
        {
            e.ToTable("broadcasts");
            e.Property(x => x.LeaseOwner).HasMaxLength(80);
            e.Property(x => x.CursorPhone).HasMaxLength(16);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => new { x.Status, x.CreatedAt });
        });
        b.Entity<Reminder>(e =>
        {
            e.ToTable("reminders");
            e.Property(x => x.Kind).HasMaxLength(16);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => new { x.Status, x.DueAt });
            e.HasIndex(x => x.BookingId);
        });
        b.Entity<ZaloUser>(e =>
        {
            e.ToTable("zalo_users");
            e.HasKey(x => x.UserId);
            e.Property(x => x.UserId).HasMaxLength(64);
        });
        b.Entity<ZaloToken>(e =>
        {
            e.ToTable("zalo_tokens");
            e.HasKey(x => x.OaId);
            e.Property(x => x.OaId).HasMaxLength(64);
            e.Property(x => x.Version).IsConcurrencyToken();
        });
        b.Entity<InboundEvent>(e =>
        {
            e.ToTable("inbound_events");
            e.HasIndex(x => new { x.Channel, x.EventKey }).IsUnique();
            e.HasIndex(x => new { x.ProcessedAt, x.Id });
            e.Property(x => x.Channel).HasMaxLength(16);
            e.Property(x => x.EventKey).HasMaxLength(200);
            e.Property(x => x.EventName).HasMaxLength(64);
            e.Property(x => x.Attempts).IsConcurrencyToken();
        });
        b.Entity<Messaging.Core.Staff.StaffUser>(e =>
        {
            e.ToTable("staff_users");
            e.HasIndex(x => x.UserName).IsUnique();
            e.Property(x => x.UserName).HasMaxLength(64);
            e.Property(x => x.Role).HasMaxLength(16);
        });
        b.Entity<SeedMarker>(e =>
        {
            e.ToTable("seed_markers");
            e.HasKey(x => x.Name);
        });
        // Newer entities keep their mapping beside them, one IEntityTypeConfiguration each.
        b.ApplyConfigurationsFromAssembly(typeof(MessagingDbContext).Assembly);
    }
}

/// <summary>Records that a one-time seed ran, so a restart never seeds twice.</summary>
public sealed class SeedMarker
{
    public required string Name { get; set; }
    public DateTimeOffset AppliedAt { get; set; }
}
