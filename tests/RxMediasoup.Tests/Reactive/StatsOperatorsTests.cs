using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;

namespace RxMediasoup.Tests.Reactive;

/// <summary>Bitrate, packet loss and stall detection over stats streams, in virtual time.</summary>
public sealed class StatsOperatorsTests : ReactiveTest
{
    private static readonly long Second = TimeSpan.FromSeconds(1).Ticks;

    private sealed record Sample(long Bytes, DateTimeOffset At, long Received = 0, long Lost = 0);

    private static DateTimeOffset At(double seconds) => DateTimeOffset.UnixEpoch.AddSeconds(seconds);

    [Fact]
    public void BitrateFromSampleTimestampsHandlesResetsAndSkipsNonIncreasingTime()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateColdObservable(
            OnNext(10, new Sample(0, At(0))),          // baseline
            OnNext(20, new Sample(1000, At(1))),       // 1000 B in 1 s = 8000 b/s
            OnNext(30, new Sample(1500, At(2))),       // 500 B in 1 s = 4000 b/s
            OnNext(40, new Sample(1600, At(2))),       // same time: skipped
            OnNext(50, new Sample(200, At(3))),        // reset: 200 B since 0 = 1600 b/s
            OnNext(60, new Sample(700, At(3.5))),      // 500 B in 0.5 s = 8000 b/s
            OnCompleted<Sample>(70));

        var res = scheduler.Start(() => source.Bitrate(s => s.Bytes, s => s.At));

        res.Messages.AssertEqual(
            OnNext(220, 8000.0), OnNext(230, 4000.0), OnNext(250, 1600.0), OnNext(260, 8000.0), OnCompleted<double>(270));
    }

    [Fact]
    public void BitrateOnTheSchedulerClockUsesArrivalTimes()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(
            OnNext(1 * Second, 0L), OnNext(2 * Second, 1000L), OnNext(4 * Second, 2000L), OnNext(5 * Second, 2000L));

        var res = scheduler.Start(() => source.Bitrate(b => b, scheduler), 0, 0, 10 * Second);

        res.Messages.AssertEqual(OnNext(2 * Second, 8000.0), OnNext(4 * Second, 4000.0), OnNext(5 * Second, 0.0));
    }

    [Fact]
    public void BitratePassesErrorsAndSelectorFailures()
    {
        var scheduler = new TestScheduler();
        var error = new InvalidOperationException("stats failed");
        var failing = scheduler.CreateColdObservable(OnNext(10, 1L), OnError<long>(20, error));
        var res = scheduler.Start(() => failing.Bitrate(b => b, b => At(b)));
        res.Messages.AssertEqual(OnError<double>(220, error));

        var bad = new FormatException("bad record");
        var res2 = new TestScheduler().Start(() => Observable.Return(1L).Bitrate(_ => throw bad, b => At(b)));
        res2.Messages.AssertEqual(OnError<double>(200, bad));
        Assert.Throws<ArgumentNullException>(() => Observable.Return(1L).Bitrate(null!, b => At(b)));
        Assert.Throws<ArgumentNullException>(() => Observable.Return(1L).Bitrate(b => b, (Func<long, DateTimeOffset>)null!));
    }

    [Fact]
    public void PacketLossRateBetweenSamples()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateColdObservable(
            OnNext(10, (rx: 0L, lost: 0L)),
            OnNext(20, (rx: 90L, lost: 10L)),   // 10 / 100
            OnNext(30, (rx: 180L, lost: 10L)),  // 0 / 90
            OnNext(40, (rx: 180L, lost: 10L)),  // no packets: 0
            OnNext(50, (rx: 230L, lost: 8L)),   // loss went down (duplicates): no loss counted
            OnNext(60, (rx: 30L, lost: 10L)),   // received went down: reset, 10 / 40
            OnCompleted<(long rx, long lost)>(70));

        var res = scheduler.Start(() => source.PacketLossRate(s => s.rx, s => s.lost));

        res.Messages.AssertEqual(
            OnNext(220, 0.1), OnNext(230, 0.0), OnNext(240, 0.0), OnNext(250, 0.0), OnNext(260, 0.25),
            OnCompleted<double>(270));
    }

    [Fact]
    public void PacketLossRatePassesSelectorFailures()
    {
        var bad = new FormatException("bad record");
        var scheduler = new TestScheduler();
        var res = scheduler.Start(() => Observable.Return(1L).PacketLossRate(b => b, _ => throw bad));
        res.Messages.AssertEqual(OnError<double>(200, bad));
        Assert.Throws<ArgumentNullException>(() => Observable.Return(1L).PacketLossRate(null!, b => b));
    }

    [Fact]
    public void StalledEmitsTransitionsOnly()
    {
        var scheduler = new TestScheduler();
        // counter 1-2-2-2-2-2-5-5-… at seconds 0..; threshold 3 s
        var source = scheduler.CreateHotObservable(
            OnNext(10 * Second, 1L), OnNext(11 * Second, 2L), OnNext(12 * Second, 2L), OnNext(13 * Second, 2L),
            OnNext(14 * Second, 2L), OnNext(15 * Second, 2L), OnNext(16 * Second, 5L), OnNext(17 * Second, 6L),
            OnNext(18 * Second, 6L));

        var res = scheduler.Start(() => source.Stalled(c => c, TimeSpan.FromSeconds(3), scheduler), 0, 0, 30 * Second);

        res.Messages.AssertEqual(
            OnNext(10 * Second, false),
            OnNext(14 * Second, true),   // last change at 11 s
            OnNext(16 * Second, false),  // resumed
            OnNext(20 * Second, true));  // last change at 17 s; no sample needed for the timer
    }

    [Fact]
    public void StalledCountsAResetAsActivityAndCompletesWithTheSource()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(
            OnNext(1 * Second, 100L), OnNext(5 * Second, 100L), OnNext(6 * Second, 3L), OnCompleted<long>(7 * Second));

        var res = scheduler.Start(() => source.Stalled(c => c, TimeSpan.FromSeconds(2), scheduler), 0, 0, 30 * Second);

        res.Messages.AssertEqual(
            OnNext(1 * Second, false), OnNext(3 * Second, true), OnNext(6 * Second, false), OnCompleted<bool>(7 * Second));
    }

    [Fact]
    public void StalledFailsWithTheSourceOrItsSelector()
    {
        var scheduler = new TestScheduler();
        var error = new TimeoutException("poll failed");
        var source = scheduler.CreateHotObservable(OnNext(1 * Second, 1L), OnError<long>(2 * Second, error), OnNext(3 * Second, 2L));
        var res = scheduler.Start(() => source.Stalled(c => c, TimeSpan.FromSeconds(5), scheduler), 0, 0, 30 * Second);
        res.Messages.AssertEqual(OnNext(1 * Second, false), OnError<bool>(2 * Second, error));

        var bad = new FormatException("bad record");
        var s2 = new TestScheduler();
        var res2 = s2.Start(() => Observable.Return(1L, s2).Concat(Observable.Never<long>())
            .Stalled(_ => throw bad, TimeSpan.FromSeconds(1), s2));
        res2.Messages.AssertEqual(OnError<bool>(201, bad));

        Assert.Throws<ArgumentOutOfRangeException>(() => Observable.Return(1L).Stalled(c => c, TimeSpan.Zero));
    }

    [Fact]
    public void StalledUnsubscribeStopsTheTimer()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(OnNext(1 * Second, 1L));
        var res = scheduler.Start(() => source.Stalled(c => c, TimeSpan.FromSeconds(5), scheduler), 0, 0, 2 * Second);
        res.Messages.AssertEqual(OnNext(1 * Second, false));
        // The 5 s timer armed at 1 s was disposed with the subscription at 2 s: the run ended there.
        Assert.Equal(2 * Second, scheduler.Clock);
    }

    [Fact]
    public void CounterIncreaseTreatsADecreaseAsAReset()
    {
        Assert.Equal(5, StatsOperators.Increase(10, 15));
        Assert.Equal(3, StatsOperators.Increase(10, 3));
        Assert.Equal(0, StatsOperators.Increase(10, 10));
    }
}
