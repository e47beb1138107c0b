using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messaging.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InFlightSends : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "sending_channel",
                table: "deliveries",
                type: "TEXT",
                maxLength: 16,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "sending_channel",
                table: "deliveries");
        }
    }
}
