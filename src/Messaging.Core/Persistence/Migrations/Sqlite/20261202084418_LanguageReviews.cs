using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messaging.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LanguageReviews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "language_reviews",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    text = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    predicted = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    confidence = table.Column<double>(type: "REAL", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    intent = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    procedure_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    labelled_by = table.Column<string>(type: "TEXT", nullable: true),
                    labelled_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_language_reviews", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_language_reviews_status_at",
                table: "language_reviews",
                columns: new[] { "status", "at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "language_reviews");
        }
    }
}
