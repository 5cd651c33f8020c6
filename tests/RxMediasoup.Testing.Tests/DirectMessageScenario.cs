using System.Text;
using Microsoft.Reactive.Testing;

namespace RxMediasoup.Testing.Tests;

/// <summary>
/// Messages a direct data producer sends, forwarded by the router to direct data consumers with the subchannel rules,
/// pauses and the max message size, recorded for <see cref="DifferentialTests"/>: which consumer received what, in order.
/// </summary>
internal sealed class DirectMessageScenario(Worker worker, TestScheduler? scheduler) : RecordedScenario(scheduler)
{
    public async Task<IReadOnlyList<string>> RunAsync()
    {
        var router = await Settle(worker.CreateRouterAsync());
        var direct = await Settle(router.CreateDirectTransportAsync(new DirectTransportOptions { MaxReceiveMessageSize = 16 }));
        var producer = await Settle(direct.ProduceDataAsync());
        var consumers = new (string Name, IReadOnlyList<int>? Subchannels)[] { ("one", [1]), ("none", null), ("twoThree", [2, 3]), ("paused", [1]) };
        var received = consumers.ToDictionary(c => c.Name, _ => new List<string>());
        var entities = new Dictionary<string, DataConsumer>();
        foreach (var (name, subchannels) in consumers)
        {
            var consumer = await Settle(direct.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = producer.Id, Subchannels = subchannels, Paused = name == "paused" }));
            consumer.Messages.Subscribe(m => received[name].Add($"{m.Ppid}:{Encoding.UTF8.GetString(m.Payload)}"));
            entities[name] = consumer;
        }

        producer.Send("all");
        producer.Send("sub1", subchannels: [1]);
        producer.Send("sub3or9", subchannels: [9, 3]);
        producer.Send("req2", requiredSubchannel: 2);
        producer.Send("req2sub1", subchannels: [1], requiredSubchannel: 2);
        producer.Send("ign1", ignoredSubchannel: 1);
        producer.Send("ign1req1", requiredSubchannel: 1, ignoredSubchannel: 1);
        producer.Send("muchtoolongforsixteen"); // over the transport's max message size: the worker drops it
        producer.Send(new byte[] { 0x41 }, ppid: 1234);
        await Settle(entities["one"].PauseAsync());
        producer.Send("onePaused");
        await Settle(entities["one"].ResumeAsync());
        await Settle(entities["twoThree"].SetSubchannelsAsync([1]));
        await Settle(producer.PauseAsync());
        producer.Send("producerPaused");
        await Settle(producer.ResumeAsync());
        producer.Send("end");
        await WaitAsync(() => received["one"].LastOrDefault() == "51:end" && received["none"].LastOrDefault() == "51:end"
            && received["twoThree"].LastOrDefault() == "51:end");
        foreach (var (name, _) in consumers) Record(name, string.Join(" ", received[name]));
        return Lines;
    }
}
