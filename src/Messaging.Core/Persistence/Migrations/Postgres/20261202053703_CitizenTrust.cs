using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Messaging.Core.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CitizenTrust : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "opted_out",
                table: "zalo_users",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "client_key",
                table: "handoff_requests",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "verified",
                table: "handoff_requests",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "credential_hash",
                table: "conversations",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "client_key",
                table: "bookings",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "phone_verified",
                table: "bookings",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "abuse_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    key = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_abuse_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "one_time_codes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    phone = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    code_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    consumed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_one_time_codes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "phone_links",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    phone = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    method = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    verified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_phone_links", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "server_secrets",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    value = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_server_secrets", x => x.name);
                });

            migrationBuilder.CreateIndex(
                name: "ix_handoff_requests_channel_id_user_id_status",
                table: "handoff_requests",
                columns: new[] { "channel_id", "user_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_conversations_updated_at",
                table: "conversations",
                column: "updated_at");

            migrationBuilder.CreateIndex(
                name: "ix_conversation_activities_at",
                table: "conversation_activities",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_abuse_events_at",
                table: "abuse_events",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_abuse_events_key_at",
                table: "abuse_events",
                columns: new[] { "key", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_one_time_codes_created_at",
                table: "one_time_codes",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_phone_links_channel_subject",
                table: "phone_links",
                columns: new[] { "channel", "subject" });

            migrationBuilder.CreateIndex(
                name: "ix_phone_links_phone_channel_subject",
                table: "phone_links",
                columns: new[] { "phone", "channel", "subject" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "abuse_events");

            migrationBuilder.DropTable(
                name: "one_time_codes");

            migrationBuilder.DropTable(
                name: "phone_links");

            migrationBuilder.DropTable(
                name: "server_secrets");

            migrationBuilder.DropIndex(
                name: "ix_handoff_requests_channel_id_user_id_status",
                table: "handoff_requests");

            migrationBuilder.DropIndex(
                name: "ix_conversations_updated_at",
                table: "conversations");

            migrationBuilder.DropIndex(
                name: "ix_conversation_activities_at",
                table: "conversation_activities");

            migrationBuilder.DropColumn(
                name: "opted_out",
                table: "zalo_users");

            migrationBuilder.DropColumn(
                name: "client_key",
                table: "handoff_requests");

            migrationBuilder.DropColumn(
                name: "verified",
                table: "handoff_requests");

            migrationBuilder.DropColumn(
                name: "credential_hash",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "client_key",
                table: "bookings");

            migrationBuilder.DropColumn(
                name: "phone_verified",
                table: "bookings");
        }
    }
}
