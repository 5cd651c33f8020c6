using Microsoft.Extensions.Logging;

namespace RxMediasoup;

public sealed partial class Router
{
    /// <summary>Guards the pipe transport pair maps of every router (a pair is registered in both routers at once).</summary>
    private static readonly object PipePairsGate = new();

    /// <summary>The pipe transport pair to each other router (by that router's id), created or being created.</summary>
    private readonly Dictionary<string, Task<PipeTransportPair>> _pipeTransportPairs = new(StringComparer.Ordinal);

    /// <summary>
    /// Pipes a producer or a data producer of this router into another router, on the same worker or on another one
    /// (mediasoup's <c>router.pipeToRouter()</c>): a pipe consumer (data consumer) on this router's pipe transport feeds
    /// a pipe producer (data producer) on the destination router's, which endpoints of that router can then consume.
    /// </summary>
    /// <remarks>
    /// <para>The first call for a pair of routers creates a <see cref="PipeTransport"/> in each (listening on
    /// <see cref="PipeToRouterOptions.ListenInfo"/>, by default UDP on 127.0.0.1) and connects them to each other; later
    /// calls in either direction reuse that pair. The two pipe transports close together: when one closes (explicitly,
    /// with its router or its worker), the other is closed and the next call creates a new pair.</para>
    /// <para>With <see cref="PipeToRouterOptions.KeepId"/> (the default) the pipe producer gets the original's id, which a
    /// worker refuses twice: to pipe to a router of the same worker, set it to false.</para>
    /// <para>The pipe consumer and the pipe producer are linked: when either closes, the other is closed (so closing the
    /// original producer closes the pipe consumer, the pipe producer and the destination router's consumers of it, each
    /// with <see cref="CloseReason.ProducerClosed"/> where the worker cascades); pausing or resuming the original
    /// producer pauses or resumes the pipe producer. The same holds for data, except pausing.</para>
    /// <para>If <paramref name="cancellationToken"/> is cancelled, whatever this call created for the producer is closed;
    /// a pipe transport pair being created is kept for later calls.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">Neither or both of the producer ids, no destination router, or this router as destination.</exception>
    /// <exception cref="NotFoundException">No such producer or data producer in this router, the original closed meanwhile, or a router is closed.</exception>
    /// <exception cref="WorkerClosedException">A worker is closed.</exception>
    /// <exception cref="MediasoupException">A worker refused (e.g. a producer with the same id on the same worker).</exception>
    public async Task<PipeToRouterResult> PipeToRouterAsync(PipeToRouterOptions options, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed(); // the command policy: a closed entity or a dead worker first, then the arguments
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(this);
        var target = options.Router;
        ThrowIfClosed();
        Producer? producer = null;
        DataProducer? dataProducer = null;
        if (!string.IsNullOrEmpty(options.ProducerId))
            producer = GetProducer(options.ProducerId) ?? throw new NotFoundException($"Producer not found [id:{options.ProducerId}]");
        else
            dataProducer = GetDataProducer(options.DataProducerId!) ?? throw new NotFoundException($"DataProducer not found [id:{options.DataProducerId}]");
        target.ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();

        var pair = await GetOrCreatePipeTransportPairAsync(target, options, cancellationToken).ConfigureAwait(false);
        var local = pair.For(this);
        var remote = pair.For(target);
        return producer is not null
            ? await PipeProducerAsync(producer, local, remote, options.KeepId, cancellationToken).ConfigureAwait(false)
            : await PipeDataProducerAsync(dataProducer!, local, remote, options.KeepId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PipeToRouterResult> PipeProducerAsync(Producer producer, PipeTransport local, PipeTransport remote, bool keepId,
        CancellationToken cancellationToken)
    {
        Consumer? pipeConsumer = null;
        Producer? pipeProducer = null;
        try
        {
            pipeConsumer = await local.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id }, cancellationToken).ConfigureAwait(false);
            pipeProducer = await remote.ProduceAsync(new ProducerOptions
            {
                Id = keepId ? producer.Id : Channel.NewId(),
                Kind = pipeConsumer.Kind,
                RtpParameters = pipeConsumer.RtpParameters,
                Paused = CurrentValue(pipeConsumer.ProducerPaused),
                AppData = producer.AppData,
            }, cancellationToken).ConfigureAwait(false);

            // The original may have closed meanwhile.
            if (producer.IsClosed) throw new NotFoundException($"original Producer closed [id:{producer.Id}]");

            LinkPipePair(pipeConsumer, pipeProducer);
            // The original's pause state may have changed meanwhile (its notification may not have reached the pipe
            // consumer yet): sync the pipe producer with it.
            bool paused = CurrentValue(producer.Paused);
            if (CurrentValue(pipeProducer.Paused) != paused)
            {
                if (paused) await pipeProducer.PauseAsync(cancellationToken).ConfigureAwait(false);
                else await pipeProducer.ResumeAsync(cancellationToken).ConfigureAwait(false);
            }
            return new PipeToRouterResult { PipeConsumer = pipeConsumer, PipeProducer = pipeProducer };
        }
        catch (Exception e)
        {
            _logger.LogError(e, "pipeToRouter() | error creating pipe Consumer/Producer pair");
            if (pipeConsumer is not null) FireAndForget(pipeConsumer.CloseAsync(), "closing the pipe consumer");
            if (pipeProducer is not null) FireAndForget(pipeProducer.CloseAsync(), "closing the pipe producer");
            throw;
        }
    }

    private async Task<PipeToRouterResult> PipeDataProducerAsync(DataProducer dataProducer, PipeTransport local, PipeTransport remote, bool keepId,
        CancellationToken cancellationToken)
    {
        DataConsumer? pipeDataConsumer = null;
        DataProducer? pipeDataProducer = null;
        try
        {
            pipeDataConsumer = await local.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id }, cancellationToken)
                .ConfigureAwait(false);
            pipeDataProducer = await remote.ProduceDataAsync(new DataProducerOptions
            {
                Id = keepId ? dataProducer.Id : Channel.NewId(),
                SctpStreamParameters = pipeDataConsumer.SctpStreamParameters,
                Label = pipeDataConsumer.Label,
                Protocol = pipeDataConsumer.Protocol,
                AppData = dataProducer.AppData,
            }, cancellationToken).ConfigureAwait(false);

            // The original may have closed meanwhile.
            if (dataProducer.IsClosed) throw new NotFoundException($"original DataProducer closed [id:{dataProducer.Id}]");

            var consumer = pipeDataConsumer;
            var producer = pipeDataProducer;
            consumer.Closed.Subscribe(_ => FireAndForget(producer.CloseAsync(), "closing the pipe data producer"));
            producer.Closed.Subscribe(_ => FireAndForget(consumer.CloseAsync(), "closing the pipe data consumer"));
            return new PipeToRouterResult { PipeDataConsumer = pipeDataConsumer, PipeDataProducer = pipeDataProducer };
        }
        catch (Exception e)
        {
            _logger.LogError(e, "pipeToRouter() | error creating pipe DataConsumer/DataProducer pair");
            if (pipeDataConsumer is not null) FireAndForget(pipeDataConsumer.CloseAsync(), "closing the pipe data consumer");
            if (pipeDataProducer is not null) FireAndForget(pipeDataProducer.CloseAsync(), "closing the pipe data producer");
            throw;
        }
    }

    /// <summary>
    /// Links a pipe consumer with its pipe producer: closing either closes the other; the consumer's effective pause state
    /// (its own or its producer's) is applied to the pipe producer, one command at a time, in order.
    /// </summary>
    private void LinkPipePair(Consumer pipeConsumer, Producer pipeProducer)
    {
        pipeConsumer.Closed.Subscribe(_ => FireAndForget(pipeProducer.CloseAsync(), "closing the pipe producer"));
        pipeProducer.Closed.Subscribe(_ => FireAndForget(pipeConsumer.CloseAsync(), "closing the pipe consumer"));

        var gate = new object();
        bool consumerPaused = CurrentValue(pipeConsumer.Paused), producerPaused = CurrentValue(pipeConsumer.ProducerPaused);
        Task tail = Task.CompletedTask;
        void Apply()
        {
            bool desired = consumerPaused || producerPaused;
            tail = tail.ContinueWith(async _ =>
            {
                if (pipeProducer.IsClosed || CurrentValue(pipeProducer.Paused) == desired) return;
                try
                {
                    if (desired) await pipeProducer.PauseAsync().ConfigureAwait(false);
                    else await pipeProducer.ResumeAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (pipeProducer.IsClosed || e is NotFoundException or WorkerClosedException)
                {
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "pipeToRouter() | syncing the pipe producer's pause state failed [id:{Id}]", pipeProducer.Id);
                }
            }, CancellationToken.None, SyncOptions, TaskScheduler.Default).Unwrap();
        }
        // Each stream replays its current value first: applied only if it changed since read above.
        pipeConsumer.Paused.Subscribe(p => { lock (gate) { if (p == consumerPaused) return; consumerPaused = p; Apply(); } });
        pipeConsumer.ProducerPaused.Subscribe(p => { lock (gate) { if (p == producerPaused) return; producerPaused = p; Apply(); } });
    }

    /// <summary>
    /// The pipe transport pair between this router and <paramref name="target"/>: the existing one (or the one being
    /// created by a concurrent call, in either direction), or a new one. Waiting is cancellable; the creation is not.
    /// </summary>
    private async Task<PipeTransportPair> GetOrCreatePipeTransportPairAsync(Router target, PipeToRouterOptions options,
        CancellationToken cancellationToken)
    {
        Task<PipeTransportPair>? pairTask;
        TaskCompletionSource<PipeTransportPair>? creation = null;
        lock (PipePairsGate)
        {
            if (!_pipeTransportPairs.TryGetValue(target.Id, out pairTask))
            {
                // On a simulated worker (a scheduler drives it) the awaiters continue inline, inside the scheduler's
                // action, so PipeToRouter completes within AdvanceBy; with a real worker, never on the channel's thread.
                creation = new TaskCompletionSource<PipeTransportPair>(Channel.Scheduler is null
                    ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);
                pairTask = creation.Task;
                _pipeTransportPairs[target.Id] = pairTask;
                target._pipeTransportPairs[Id] = pairTask;
            }
        }
        if (creation is not null) _ = CreatePipeTransportPairAsync(target, options.ToPipeTransportOptions(), creation);
        return await pairTask.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CreatePipeTransportPairAsync(Router target, PipeTransportOptions options, TaskCompletionSource<PipeTransportPair> creation)
    {
        var pairTask = creation.Task;
        // No faulted seed task here: nothing would observe it (an UnobservedTaskException per pipe pair).
        Task<PipeTransport>? localTask = null, remoteTask = null;
        try
        {
            localTask = CreatePipeTransportAsync(options);
            remoteTask = target.CreatePipeTransportAsync(options);
            try
            {
                await Task.WhenAll(localTask, remoteTask).ConfigureAwait(false);
            }
            catch
            {
                // Rethrow the first failure (WhenAll's exception is the first one too, but let the other finish first).
            }
            var local = await localTask.ConfigureAwait(false);
            var remote = await remoteTask.ConfigureAwait(false);
            var localTuple = CurrentValue(local.Tuple);
            var remoteTuple = CurrentValue(remote.Tuple);
            // Both read before either connects: a connected pipe transport's SrtpParameters are the remote ones, and the
            // first connect may be answered before the second call's arguments are evaluated.
            var (localSrtp, remoteSrtp) = (local.SrtpParameters, remote.SrtpParameters);
            await Task.WhenAll(
                local.ConnectAsync(remoteTuple.LocalAddress, remoteTuple.LocalPort, remoteSrtp),
                remote.ConnectAsync(localTuple.LocalAddress, localTuple.LocalPort, localSrtp)).ConfigureAwait(false);

            var pair = new PipeTransportPair(this, local, target, remote);
            local.Closed.Subscribe(_ =>
            {
                ForgetPipeTransportPair(target, pairTask);
                FireAndForget(remote.CloseAsync(), "closing the remote pipe transport");
            });
            remote.Closed.Subscribe(_ =>
            {
                ForgetPipeTransportPair(target, pairTask);
                FireAndForget(local.CloseAsync(), "closing the local pipe transport");
            });
            creation.SetResult(pair);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "pipeToRouter() | error creating PipeTransport pair");
            ForgetPipeTransportPair(target, pairTask);
            if (localTask is { IsCompletedSuccessfully: true }) FireAndForget(localTask.Result.CloseAsync(), "closing the local pipe transport");
            if (remoteTask is { IsCompletedSuccessfully: true }) FireAndForget(remoteTask.Result.CloseAsync(), "closing the remote pipe transport");
            creation.SetException(e);
        }
    }

    private void ForgetPipeTransportPair(Router target, Task<PipeTransportPair> pairTask)
    {
        lock (PipePairsGate)
        {
            if (_pipeTransportPairs.TryGetValue(target.Id, out var t) && t == pairTask) _pipeTransportPairs.Remove(target.Id);
            if (target._pipeTransportPairs.TryGetValue(Id, out t) && t == pairTask) target._pipeTransportPairs.Remove(Id);
        }
    }

    /// <summary>On a simulated worker continuations run inline (inside the scheduler's action, no thread-pool hop); else as they were.</summary>
    private TaskContinuationOptions SyncOptions
        => Channel.Scheduler is null ? TaskContinuationOptions.None : TaskContinuationOptions.ExecuteSynchronously;

    private void FireAndForget(Task task, string what)
        => task.ContinueWith(t => _logger.LogError(t.Exception, "pipeToRouter() | {What} failed", what),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | SyncOptions, TaskScheduler.Default);

    /// <summary>The value a state stream replays on subscribe (synchronously).</summary>
    private static T CurrentValue<T>(IObservable<T> stream)
    {
        T value = default!;
        bool has = false;
        using (stream.Subscribe(v => { if (!has) { has = true; value = v; } }))
        {
        }
        if (!has) throw new InvalidOperationException("the state stream did not replay a value");
        return value;
    }

    /// <summary>The two connected pipe transports between two routers.</summary>
    private sealed class PipeTransportPair(Router routerA, PipeTransport transportA, Router routerB, PipeTransport transportB)
    {
        public PipeTransport For(Router router) => ReferenceEquals(router, routerA) ? transportA
            : ReferenceEquals(router, routerB) ? transportB
            : throw new ArgumentException("not a router of this pair", nameof(router));
    }
}
