using Messaging.Core.Appointments;

namespace Messaging.Core.Tests.Appointments;

public sealed class OfficeNamesTests
{
    [Theory]
    [InlineData("Công an xã Tịnh Hà", "Tịnh Hà Commune Police")]
    [InlineData("Công an phường Cẩm Thành", "Cẩm Thành Ward Police")]
    [InlineData("Phòng Quản lý xuất nhập cảnh, Công an tỉnh Quảng Ngãi", "Immigration Department, Quảng Ngãi Provincial Police")]
    [InlineData("Trạm y tế", "Trạm y tế")]
    public void Offices_read_in_English_keep_their_place_names(string name, string english)
    {
        Assert.Equal(english, OfficeNames.English(name));
        Assert.Equal(name, OfficeNames.For(name, "vi"));
        Assert.Equal(english, OfficeNames.For(name, "en"));
    }
}
