using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Messaging.Core.Appointments;

namespace Messaging.Server.Api;

/// <summary>
/// Every time the HTTP API writes is in Vietnam's offset (+07:00), whether it was stored in UTC (sessions, deliveries)
/// or computed locally (slots): a client sees one offset, never two. Times it reads keep the offset they were sent with.
/// </summary>
public sealed class VietnamTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(OfficeTime.ToLocal(value, null).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
}
