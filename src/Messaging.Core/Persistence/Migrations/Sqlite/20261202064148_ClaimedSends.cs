using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messaging.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ClaimedSends : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "claimed_until",
                table: "reminders",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "lease_until",
                table: "deliveries",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "owner",
                table: "deliveries",
                type: "TEXT",
                maxLength: 80,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "cursor_phone",
                table: "broadcasts",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "lease_owner",
                table: "broadcasts",
                type: "TEXT",
                maxLength: 80,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "lease_until",
                table: "broadcasts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "email",
                table: "bookings",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "last_change_key",
                table: "bookings",
                type: "TEXT",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "claimed_until",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "lease_until",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "owner",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "cursor_phone",
                table: "broadcasts");

            migrationBuilder.DropColumn(
                name: "lease_owner",
                table: "broadcasts");

            migrationBuilder.DropColumn(
                name: "lease_until",
                table: "broadcasts");

            migrationBuilder.DropColumn(
                name: "email",
                table: "bookings");

            migrationBuilder.DropColumn(
                name: "last_change_key",
                table: "bookings");
        }
    }
}
