namespace RxMediasoup.Channel;

// Where the drains that a never-drain thread (the channel's reader) schedules run: one dedicated thread per queue,
// started on the first such drain, asleep (no spinning) while the queue is idle. Measured on the fan-out workload
// (docs/profiles/fanout.md): handing each drain to the thread pool instead cost a pool worker's spin-wait after every
// drain (sched_yield, the profile's largest kernel entry) and a context switch per handoff on top of the wake-up.
// The queue stays serial: the pump only ever runs Drain, as a pool thread did; a subscriber that blocks blocks this
// queue only, never the reader. After Dispose the pump ends (once what was scheduled ran) and drains go to the pool.
internal sealed partial class DeliveryQueue
{
    private readonly object _pumpGate = new();
    private Thread? _pump;           // under _pumpGate
    private bool _pumpSignaled;      // under _pumpGate: a drain is due
    private bool _pumpSleeping;      // under _pumpGate: the pump waits for a signal
    private bool _pumpStopped;       // under _pumpGate: Dispose ran

    /// <summary>Runs <see cref="Drain"/> on the pump (started now if need be), or on the thread pool once disposed.</summary>
    private void Schedule()
    {
        lock (_pumpGate)
        {
            if (!_pumpStopped)
            {
                _pumpSignaled = true;
                if (_pump is null)
                {
                    _pump = new Thread(static q => ((DeliveryQueue)q!).Pump()) { IsBackground = true, Name = "RxMediasoup delivery" };
                    _pump.UnsafeStart(this);
                }
                else if (_pumpSleeping)
                {
                    Monitor.Pulse(_pumpGate);
                }
                return;
            }
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private void Pump()
    {
        while (true)
        {
            lock (_pumpGate)
            {
                while (!_pumpSignaled)
                {
                    if (_pumpStopped) return;
                    _pumpSleeping = true;
                    Monitor.Wait(_pumpGate);
                    _pumpSleeping = false;
                }
                _pumpSignaled = false;
            }
            Drain();
        }
    }

    /// <summary>Ends the pump after the drain it was asked for, if any (later drains go to the thread pool).</summary>
    private void StopPump()
    {
        lock (_pumpGate)
        {
            _pumpStopped = true;
            if (_pumpSleeping) Monitor.Pulse(_pumpGate);
        }
    }
}
