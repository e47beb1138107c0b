using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Messaging.Core.Persistence.Migrations.Postgres
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    queue = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    visible_at = table.Column<long>(type: "bigint", nullable: false),
                    dequeue_count = table.Column<int>(type: "integer", nullable: false),
                    pop_receipt = table.Column<string>(type: "text", nullable: true),
                    inserted_at = table.Column<long>(type: "bigint", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_queue_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "queue_payloads",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
