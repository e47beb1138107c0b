using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messaging.Core.Persistence.Migrations.Postgres
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
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "lease_until",
                table: "deliveries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "owner",
                table: "deliveries",
                type: "character varying(80)",
                maxLength: 80,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "cursor_phone",
                table: "broadcasts",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "lease_owner",
                table: "broadcasts",
                type: "character varying(80)",
                maxLength: 80,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "lease_until",
                table: "broadcasts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "email",
                table: "bookings",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "last_change_key",
                table: "bookings",
                type: "character varying(200)",
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
