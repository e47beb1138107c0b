using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messaging.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FrontDeskAndHomeVisits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "home_visits_per_day",
                table: "offices",
                type: "INTEGER",
                nullable: false,
                defaultValue: 2);

            migrationBuilder.AddColumn<string>(
                name: "queue_prefix",
                table: "offices",
                type: "TEXT",
                maxLength: 1,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "home_visit_days",
                columns: table => new
                {
                    key = table.Column<string>(type: "TEXT", maxLength: 96, nullable: false),
                    scheduled = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_home_visit_days", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "home_visit_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    code = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    office_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    procedure_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    for_self = table.Column<bool>(type: "INTEGER", nullable: false),
                    relation = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    person_age = table.Column<int>(type: "INTEGER", nullable: true),
                    person_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    reason_note = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    address = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    address_matched = table.Column<bool>(type: "INTEGER", nullable: false),
                    phone = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    phone_verified = table.Column<bool>(type: "INTEGER", nullable: false),
                    preferred_days = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    channel = table.Column<string>(type: "TEXT", nullable: false),
                    channel_user_id = table.Column<string>(type: "TEXT", nullable: true),
                    locale = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    client_key = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    scheduled_date = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    window_start = table.Column<TimeOnly>(type: "TEXT", nullable: true),
                    window_end = table.Column<TimeOnly>(type: "TEXT", nullable: true),
                    officer_user_name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    officer_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    day_key = table.Column<string>(type: "TEXT", maxLength: 96, nullable: true),
                    decline_reason = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    handled_by = table.Column<string>(type: "TEXT", maxLength: 80, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    closed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_home_visit_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "queue_entries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    office_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    number = table.Column<int>(type: "INTEGER", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    booking_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    procedure_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    citizen_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    order_at = table.Column<long>(type: "INTEGER", nullable: false),
                    issued_at = table.Column<long>(type: "INTEGER", nullable: false),
                    issued_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    desk = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    called_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    called_at = table.Column<long>(type: "INTEGER", nullable: true),
                    announced_at = table.Column<long>(type: "INTEGER", nullable: true),
                    calls = table.Column<int>(type: "INTEGER", nullable: false),
                    finished_at = table.Column<long>(type: "INTEGER", nullable: true),
                    near_notice_at = table.Column<long>(type: "INTEGER", nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_queue_entries", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_home_visit_requests_code",
                table: "home_visit_requests",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_home_visit_requests_idempotency_key",
                table: "home_visit_requests",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_home_visit_requests_office_id_status_created_at",
                table: "home_visit_requests",
                columns: new[] { "office_id", "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_home_visit_requests_phone_status",
                table: "home_visit_requests",
                columns: new[] { "phone", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_queue_entries_office_id_day_booking_id",
                table: "queue_entries",
                columns: new[] { "office_id", "day", "booking_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_queue_entries_office_id_day_number",
                table: "queue_entries",
                columns: new[] { "office_id", "day", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_queue_entries_office_id_day_status",
                table: "queue_entries",
                columns: new[] { "office_id", "day", "status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "home_visit_days");

            migrationBuilder.DropTable(
                name: "home_visit_requests");

            migrationBuilder.DropTable(
                name: "queue_entries");

            migrationBuilder.DropColumn(
                name: "home_visits_per_day",
                table: "offices");

            migrationBuilder.DropColumn(
                name: "queue_prefix",
                table: "offices");
        }
    }
}
