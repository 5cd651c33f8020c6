using RxMediasoup.Channel;
using static RxMediasoup.Protocol.ProtocolHelpers;
using Method = FBS.Request.Method;

namespace RxMediasoup.Protocol;

/// <summary>Requests and responses of routers.</summary>
internal static class RouterProtocol
{
    public static Task CreateAsync(WorkerChannel channel, string routerId, CancellationToken cancellationToken)
        => IdRequestAsync(channel, Method.WORKER_CREATE_ROUTER, null, FBS.Request.Body.Worker_CreateRouterRequest, routerId,
            static (b, id) => FBS.Worker.CreateRouterRequest.CreateCreateRouterRequest(b, id).Value, cancellationToken);

    public static Task CloseAsync(WorkerChannel channel, string routerId, CancellationToken cancellationToken)
        => IdRequestAsync(channel, Method.WORKER_CLOSE_ROUTER, null, FBS.Request.Body.Worker_CloseRouterRequest, routerId,
            static (b, id) => FBS.Worker.CloseRouterRequest.CreateCloseRouterRequest(b, id).Value, cancellationToken);

    public static Task<RouterDump> DumpAsync(WorkerChannel channel, string routerId, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.ROUTER_DUMP, routerId, ParseDump, cancellationToken);

    private static readonly ResponseParser<RouterDump> ParseDump = static (in FBS.Response.Response response) =>
    {
        var d = response.BodyAsRouter_DumpResponse();
        return new RouterDump
        {
            Id = d.Id ?? string.Empty,
            TransportIds = Strings(d, d.TransportIdsLength, static (t, i) => t.TransportIds(i)),
            RtpObserverIds = Strings(d, d.RtpObserverIdsLength, static (t, i) => t.RtpObserverIds(i)),
            MapProducerIdConsumerIds = StringArrays(d.MapProducerIdConsumerIdsLength, i => d.MapProducerIdConsumerIds(i)),
            MapConsumerIdProducerId = StringPairs(d, d.MapConsumerIdProducerIdLength, static (t, i) => t.MapConsumerIdProducerId(i)),
            MapProducerIdObserverIds = StringArrays(d.MapProducerIdObserverIdsLength, i => d.MapProducerIdObserverIds(i)),
            MapDataProducerIdDataConsumerIds = StringArrays(d.MapDataProducerIdDataConsumerIdsLength, i => d.MapDataProducerIdDataConsumerIds(i)),
            MapDataConsumerIdDataProducerId = StringPairs(d, d.MapDataConsumerIdDataProducerIdLength, static (t, i) => t.MapDataConsumerIdDataProducerId(i)),
        };
    };
}
