using Messaging.Core.Appointments;
using Messaging.Core.FrontDesk;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Messaging.Server.Pages.Display;

/// <summary>
/// The waiting room's screen: the number each desk is serving and the next few, large enough to read across a room.
/// Public and read-only; it shows numbers and desk labels only. The page is complete without script; with it, the
/// board follows the office's event stream, or polls when a stream cannot be kept open.
/// </summary>
public sealed class BoardModel(DeskService desks, TimeProvider time) : PageModel
{
    public QueueBoard Board { get; private set; } = null!;
    public string Clock { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string officeId, CancellationToken ct)
    {
        var board = await desks.BoardAsync(officeId, ct);
        if (board is null) return NotFound();
        Board = board;
        Clock = OfficeTime.ToLocal(time.GetUtcNow(), null).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        return Page();
    }
}
