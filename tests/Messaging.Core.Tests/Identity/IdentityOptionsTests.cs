using Messaging.Core.Identity;

namespace Messaging.Core.Tests.Identity;

public sealed class IdentityOptionsTests
{
    [Theory]
    [InlineData(PhoneVerificationMode.Auto, true, false, false)]   // the offline demo: nothing reaches a phone
    [InlineData(PhoneVerificationMode.Auto, true, true, true)]     // a demo with a real gateway
    [InlineData(PhoneVerificationMode.Auto, false, false, true)]   // production fails closed, even on a web node without gateway keys
    [InlineData(PhoneVerificationMode.Auto, false, true, true)]
    [InlineData(PhoneVerificationMode.Never, false, true, false)]
    [InlineData(PhoneVerificationMode.Always, true, false, true)]
    public void Codes_are_required_outside_the_offline_demo_unless_switched_off(PhoneVerificationMode mode, bool demo, bool gateway, bool required) =>
        Assert.Equal(required, new IdentityOptions { PhoneVerification = mode, DemoMode = demo, RealPhoneGateway = gateway }.CodesRequired);

    [Fact]
    public void Fingerprints_depend_on_the_deployments_key()
    {
        var a = new Fingerprinter();
        var b = new Fingerprinter();
        var key = new byte[32];
        a.UseKey(key);
        Assert.NotEqual(a.Of("0912345678"), b.Of("0912345678"));
        b.UseKey(key);
        Assert.Equal(a.Of("0912345678"), b.Of("0912345678"));
        Assert.NotEqual(a.Of("0912345678"), a.Of("0912345679"));
    }
}
