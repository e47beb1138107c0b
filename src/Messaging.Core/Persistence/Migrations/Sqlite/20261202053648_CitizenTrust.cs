using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messaging.Core.Persistence.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "client_key",
                table: "handoff_requests",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "verified",
                table: "handoff_requests",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "credential_hash",
                table: "conversations",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "client_key",
                table: "bookings",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "phone_verified",
                table: "bookings",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "abuse_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    key = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_abuse_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "one_time_codes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    phone = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    code_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    consumed_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_one_time_codes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "phone_links",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    phone = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    method = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    verified_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_phone_links", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "server_secrets",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    value = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
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
