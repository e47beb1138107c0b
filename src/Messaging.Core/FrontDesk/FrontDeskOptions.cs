using System.ComponentModel.DataAnnotations;

namespace Messaging.Core.FrontDesk;

/// <summary>How the desks call numbers and when citizens are told their turn is near (section `FrontDesk`).</summary>
public sealed class FrontDeskOptions
{
    public const string Section = "FrontDesk";

    /// <summary>When a desk calls a number, the booked citizens up to this many places behind it are told their turn is near; 0 turns it off.</summary>
    [Range(0, 20)]
    public int NearTurnPlaces { get; set; } = 3;

    /// <summary>A called number can be recorded as a no-show only this long after its first call.</summary>
    public TimeSpan NoShowGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A booked number is called at most this long before its slot starts (unless checked in): a citizen booked for 15:00
    /// is not called, and marked absent, at 10:00 because the morning was quiet.
    /// </summary>
    public TimeSpan BookedCallLead { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A booked citizen is told "your turn is near" only when their number can be called within this long.</summary>
    public TimeSpan NearTurnWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The estimate when fewer than two numbers were finished today at the office.</summary>
    [Range(1, 120)]
    public int DefaultMinutesPerCitizen { get; set; } = 10;

    /// <summary>Today's pace is read from this many most recently finished numbers.</summary>
    [Range(2, 100)]
    public int PaceWindow { get; set; } = 10;

    /// <summary>How many upcoming numbers the waiting-room display lists.</summary>
    [Range(1, 20)]
    public int DisplayNext { get; set; } = 6;

    /// <summary>
    /// How often the display's stream reads the database even without a change on this node: a number called on
    /// another web node reaches the screen within this time.
    /// </summary>
    public TimeSpan DisplayPollInterval { get; set; } = TimeSpan.FromSeconds(3);
}
