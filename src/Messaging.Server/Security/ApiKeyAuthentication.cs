using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Messaging.Server.Security;

/// <summary>A key for machine access to the admin API, with the name audit entries show and its roles.</summary>
public sealed class ApiKeyEntry
{
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
    public List<string> Roles { get; set; } = [];
    /// <summary>For officers: the offices they act for.</summary>
    public List<string> Offices { get; set; } = [];
}

public sealed class ApiKeyOptions : AuthenticationSchemeOptions
{
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];
}

public static class Roles
{
    public const string Admin = Messaging.Core.Staff.StaffRoles.Admin;
    public const string Officer = Messaging.Core.Staff.StaffRoles.Officer;
    public const string AdminPolicy = "admin";
    public const string StaffPolicy = "staff";
}

/// <summary>
/// Authenticates `Authorization: ApiKey {key}` (or `X-Admin-Key`) against keys from configuration, compared in
/// constant time. Keys shorter than 24 characters are ignored so a placeholder never opens the API.
/// </summary>
public sealed class ApiKeyHandler(IOptionsMonitor<ApiKeyOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<ApiKeyOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        var given = header.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase)
            ? header["ApiKey ".Length..].Trim()
            : Request.Headers["X-Admin-Key"].ToString();
        if (string.IsNullOrEmpty(given)) return Task.FromResult(AuthenticateResult.NoResult());

        var givenBytes = Encoding.UTF8.GetBytes(given);
        ApiKeyEntry? match = null;
        foreach (var entry in Options.ApiKeys.Where(k => k.Key.Length >= 24))
        {
            if (CryptographicOperations.FixedTimeEquals(givenBytes, Encoding.UTF8.GetBytes(entry.Key))) match = entry;
        }
        if (match is null) return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));

        var claims = new List<Claim> { new(ClaimTypes.Name, "apikey:" + match.Name) };
        claims.AddRange(match.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(match.Offices.Select(o => new Claim(StaffAuthentication.OfficeClaim, o)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
