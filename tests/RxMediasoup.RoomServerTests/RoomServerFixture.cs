namespace RxMediasoup.RoomServerTests;

/// <summary>One Room process shared by a test class (one worker): its tests use distinct rooms.</summary>
public sealed class RoomServerFixture : IAsyncLifetime
{
    private RoomProcess? _room;

    internal RoomProcess Room => _room ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _room = await RoomProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (_room is not null) await _room.DisposeAsync();
    }
}
