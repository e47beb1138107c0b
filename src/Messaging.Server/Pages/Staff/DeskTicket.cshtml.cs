using Messaging.Core.FrontDesk;
using Messaging.Core.Procedures;
using Microsoft.AspNetCore.Mvc;

namespace Messaging.Server.Pages.Staff;

/// <summary>A walk-in ticket to print: the number large, the office, the numbers before it. No name on the paper.</summary>
public sealed class DeskTicketModel(DeskService desks, ProcedureCatalog catalog) : StaffPage
{
    public QueueTicket Ticket { get; private set; } = null!;
    public string? Procedure => Ticket.ProcedureId is { } id ? catalog.Find(id)?.Title ?? id : null;
    public string AheadText => Ticket.Ahead == 0 ? "Ông/Bà là người tiếp theo."
        : $"Trước Ông/Bà còn {Ticket.Ahead} người, khoảng {Ticket.EstimatedMinutes} phút.";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var ticket = await desks.TicketAsync(id, ct);
        if (ticket is null || !MayActFor(ticket.OfficeId)) return NotYours();
        Ticket = ticket;
        return Page();
    }
}
