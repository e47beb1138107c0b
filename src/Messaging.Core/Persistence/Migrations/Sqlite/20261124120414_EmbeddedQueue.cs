using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messaging.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EmbeddedQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "queue_messages",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    queue = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    body = table.Column<string>(type: "TEXT", nullable: false),
                    visible_at = table.Column<long>(type: "INTEGER", nullable: false),
                    dequeue_count = table.Column<int>(type: "INTEGER", nullable: false),
                    pop_receipt = table.Column<string>(type: "TEXT", nullable: true),
                    inserted_at = table.Column<long>(type: "INTEGER", nullable: false),
                    reason = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_queue_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "queue_payloads",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    body = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_queue_payloads", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_queue_messages_queue_visible_at_id",
                table: "queue_messages",
                columns: new[] { "queue", "visible_at", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "queue_messages");

            migrationBuilder.DropTable(
                name: "queue_payloads");
        }
    }
}
