using Messaging.Core.Templates;
using Microsoft.AspNetCore.Mvc;

namespace Messaging.Server.Pages.Staff.Admin;

public sealed class TemplatesModel(TemplateStore store) : StaffPage
{
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    public IReadOnlyList<TemplateSummary> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Rows = await store.ListAsync(Q, ct);
}
