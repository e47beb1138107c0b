using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messaging.Core.Persistence.Migrations.Postgres
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
                type: "integer",
                nullable: false,
                defaultValue: 2);

            migrationBuilder.AddColumn<string>(
                name: "queue_prefix",
                table: "offices",
                type: "character varying(1)",
                maxLength: 1,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "home_visit_days",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    scheduled = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_home_visit_days", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "home_visit_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    office_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    procedure_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    for_self = table.Column<bool>(type: "boolean", nullable: false),
                    relation = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    person_age = table.Column<int>(type: "integer", nullable: true),
                    person_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    reason = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reason_note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    address = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    address_matched = table.Column<bool>(type: "boolean", nullable: false),
                    phone = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    phone_verified = table.Column<bool>(type: "boolean", nullable: false),
                    preferred_days = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    channel = table.Column<string>(type: "text", nullable: false),
                    channel_user_id = table.Column<string>(type: "text", nullable: true),
                    locale = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    client_key = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    idempotency_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    scheduled_date = table.Column<DateOnly>(type: "date", nullable: true),
                    window_start = table.Column<TimeOnly>(type: "time without time zone", nullable: true),
                    window_end = table.Column<TimeOnly>(type: "time without time zone", nullable: true),
                    officer_user_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    officer_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    day_key = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: true),
                    decline_reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    handled_by = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_home_visit_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "queue_entries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    office_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    booking_id = table.Column<Guid>(type: "uuid", nullable: true),
                    procedure_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    citizen_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    order_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    issued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    issued_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    desk = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    called_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    called_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    announced_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    calls = table.Column<int>(type: "integer", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    near_notice_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
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
