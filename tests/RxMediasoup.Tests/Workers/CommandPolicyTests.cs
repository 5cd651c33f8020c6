using System.Reflection;
using RxMediasoup.Channel.Native;
using RxMediasoup.Tests.Data;
using RxMediasoup.Tests.Media;
using RxMediasoup.Tests.Transports;

namespace RxMediasoup.Tests.Workers;

/// <summary>
/// The one command policy, checked on every public command of every entity by reflection (so a command added
/// later is covered too): a command never throws synchronously; once the worker is dead it fails with
/// <see cref="WorkerClosedException"/>, before any argument check or lookup; on an entity the application closed it
/// fails with <see cref="NotFoundException"/>.
/// </summary>
public sealed class CommandPolicyTests
{
    private sealed record Entities(Worker Worker, IReadOnlyList<MediasoupEntity> All);

    private static async Task<Entities> CreateEverythingAsync()
    {
        var worker = await Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.None });
        var server = await worker.CreateWebRtcServerAsync(new WebRtcServerOptions { ListenInfos = [TransportTestHelpers.Udp() with { Port = 0 }] });
        var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaTestData.ProducerMediaCodecs });
        var webRtc = await router.CreateWebRtcTransportAsync(DataProducerTests.SctpOptions());
        var onServer = await router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { WebRtcServer = server });
        var plain = await router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = TransportTestHelpers.Udp() });
        var pipe = await router.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = TransportTestHelpers.Udp() });
        var direct = await router.CreateDirectTransportAsync();
        var producer = await webRtc.ProduceAsync(MediaTestData.ProducerAudioOptions);
        var consumer = await onServer.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = producer.Id, RtpCapabilities = MediaTestData.ConsumerDeviceCapabilities,
        });
        var dataProducer = await direct.ProduceDataAsync(new DataProducerOptions());
        var dataConsumer = await direct.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });
        var speaker = await router.CreateActiveSpeakerObserverAsync();
        var levels = await router.CreateAudioLevelObserverAsync();
        return new Entities(worker,
            [worker, server, router, webRtc, onServer, plain, pipe, direct, producer, consumer, dataProducer, dataConsumer, speaker, levels]);
    }

    /// <summary>Every public async command of <paramref name="entity"/> but the close methods.</summary>
    private static IEnumerable<MethodInfo> Commands(MediasoupEntity entity) => entity.GetType()
        .GetMethods(BindingFlags.Public | BindingFlags.Instance)
        .Where(m => m.Name.EndsWith("Async", StringComparison.Ordinal) && typeof(Task).IsAssignableFrom(m.ReturnType))
        .Where(m => m.Name is not ("CloseAsync" or "DisposeAsync") && !m.IsGenericMethodDefinition);

    /// <summary>Calls <paramref name="command"/> with default arguments; fails the test if it throws synchronously.</summary>
    private static Task Invoke(MediasoupEntity entity, MethodInfo command)
    {
        var args = command.GetParameters()
            .Select(p => p.HasDefaultValue ? p.DefaultValue : p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null)
            .ToArray();
        try
        {
            return (Task)command.Invoke(entity, args)!;
        }
        catch (TargetInvocationException e)
        {
            throw new Xunit.Sdk.XunitException($"{entity.GetType().Name}.{command.Name} threw synchronously: {e.InnerException}");
        }
    }

    [Fact]
    public async Task AfterTheWorkerDiedEveryCommandOfEveryEntityReturnsATaskFaultedWithWorkerClosed()
    {
        var (worker, all) = await CreateEverythingAsync();
        TestWorkerMode.Kill(worker);
        Assert.Equal(CloseReason.WorkerDied, await worker.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5)));
        int checkedCommands = 0;
        var wrong = new List<string>();
        foreach (var entity in all)
        {
            Assert.True(entity.IsClosed, $"{entity} is not closed");
            foreach (var command in Commands(entity))
            {
                var task = Invoke(entity, command);
                var error = await Assert.ThrowsAnyAsync<Exception>(() => task);
                if (error is not WorkerClosedException) wrong.Add($"{entity.GetType().Name}.{command.Name}: {error.GetType().Name}: {error.Message}");
                checkedCommands++;
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        // The entities above have this many public commands today; fewer means the reflection missed them.
        Assert.True(checkedCommands >= 40, $"only {checkedCommands} commands checked");
    }

    [Fact]
    public async Task OnAnEntityTheApplicationClosedEveryCommandReturnsATaskFaultedWithNotFound()
    {
        var (worker, all) = await CreateEverythingAsync();
        try
        {
            // Children before parents, so that each entity is closed by its own CloseAsync (Explicit).
            foreach (var entity in all.Where(e => e is not Worker).Reverse()) await entity.CloseAsync();
            var wrong = new List<string>();
            foreach (var entity in all.Where(e => e is not Worker))
            {
                foreach (var command in Commands(entity))
                {
                    var task = Invoke(entity, command);
                    var error = await Assert.ThrowsAnyAsync<Exception>(() => task);
                    if (error is not NotFoundException || !error.Message.Contains("closed", StringComparison.Ordinal))
                        wrong.Add($"{entity.GetType().Name}.{command.Name}: {error.GetType().Name}: {error.Message}");
                }
            }
            Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        }
        finally
        {
            await worker.CloseAsync();
        }
        // And on the worker the application closed: WorkerClosedException.
        foreach (var command in Commands(worker))
            await Assert.ThrowsAsync<WorkerClosedException>(() => Invoke(worker, command));
    }
}
