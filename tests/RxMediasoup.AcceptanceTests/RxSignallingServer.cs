using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RxMediasoup.AcceptanceTests;

/// <summary>
/// The browser harness's signalling API (see tests/browser/README.md) served by RxMediasoup itself instead of
/// the Node reference library: the page's mediasoup-client talks to a <see cref="WebRtcTransport"/> and
/// <see cref="Producer"/>s of this library, over JSON that must round-trip unchanged with mediasoup-client.
/// </summary>
internal sealed class RxSignallingServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Router _router;
    private readonly string _harnessDir;
    private readonly Task _loop;
    private readonly ConcurrentQueue<string> _log = new();

    public ConcurrentDictionary<string, WebRtcTransport> Transports { get; } = new();
    public ConcurrentDictionary<string, Producer> Producers { get; } = new();
    public ConcurrentDictionary<string, Consumer> Consumers { get; } = new();
    public Uri BaseUrl { get; }
    public IEnumerable<string> Log => _log;

    private RxSignallingServer(Router router, string harnessDir, int port)
    {
        _router = router;
        _harnessDir = harnessDir;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUrl.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public static RxSignallingServer Start(Router router, string harnessDir)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new RxSignallingServer(router, harnessDir, port);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        string path = request.Url!.AbsolutePath;
        try
        {
            object? result;
            switch (request.HttpMethod, path)
            {
                case ("GET", "/"):
                    await SendFileAsync(context, Path.Combine(_harnessDir, "index.html"), "text/html");
                    return;
                case ("GET", "/page.bundle.js"):
                    await SendFileAsync(context, Path.Combine(_harnessDir, "dist", "page.bundle.js"), "text/javascript");
                    return;
                case ("GET", "/api/rtpCapabilities"):
                    result = _router.RtpCapabilities;
                    break;
                case ("POST", "/api/client-log"):
                    _log.Enqueue($"[client] {await ReadBodyAsync(request)}");
                    result = new { };
                    break;
                case ("POST", "/api/transports"):
                    result = await CreateTransportAsync();
                    break;
                case ("POST", _) when path.StartsWith("/api/transports/", StringComparison.Ordinal) && path.EndsWith("/connect", StringComparison.Ordinal):
                {
                    var transport = Transports[path.Split('/')[3]];
                    var body = JsonNode.Parse(await ReadBodyAsync(request))!;
                    var dtls = body["dtlsParameters"].Deserialize<DtlsParameters>(MediasoupJson.Options)!;
                    await transport.ConnectAsync(dtls);
                    result = new { };
                    break;
                }
                case ("POST", _) when path.StartsWith("/api/transports/", StringComparison.Ordinal) && path.EndsWith("/produce", StringComparison.Ordinal):
                {
                    var transport = Transports[path.Split('/')[3]];
                    var body = JsonNode.Parse(await ReadBodyAsync(request))!;
                    var producer = await transport.ProduceAsync(new ProducerOptions
                    {
                        Kind = body["kind"].Deserialize<MediaKind>(MediasoupJson.Options),
                        RtpParameters = body["rtpParameters"].Deserialize<RtpParameters>(MediasoupJson.Options)!,
                    });
                    Producers[producer.Id] = producer;
                    result = new { id = producer.Id };
                    break;
                }
                case ("POST", _) when path.StartsWith("/api/transports/", StringComparison.Ordinal) && path.EndsWith("/consume", StringComparison.Ordinal):
                {
                    // The recv side (page.js ?role=consume): consume this router's producer of the asked kind, paused
                    // as mediasoup recommends; the page resumes it once its mediasoup-client consumer exists.
                    var transport = Transports[path.Split('/')[3]];
                    var body = JsonNode.Parse(await ReadBodyAsync(request))!;
                    var kind = body["kind"].Deserialize<MediaKind>(MediasoupJson.Options);
                    var producer = Producers.Values.FirstOrDefault(p => p.Kind == kind)
                        ?? throw new InvalidOperationException($"no {kind} producer to consume");
                    var consumer = await transport.ConsumeAsync(new ConsumerOptions
                    {
                        ProducerId = producer.Id,
                        RtpCapabilities = body["rtpCapabilities"].Deserialize<RtpCapabilities>(MediasoupJson.Options)!,
                        Paused = true,
                    });
                    Consumers[consumer.Id] = consumer;
                    result = new { id = consumer.Id, producerId = producer.Id, kind = consumer.Kind, rtpParameters = consumer.RtpParameters };
                    break;
                }
                case ("POST", _) when path.StartsWith("/api/consumers/", StringComparison.Ordinal) && path.EndsWith("/resume", StringComparison.Ordinal):
                {
                    await Consumers[path.Split('/')[3]].ResumeAsync();
                    result = new { };
                    break;
                }
                default:
                    context.Response.StatusCode = 404;
                    context.Response.Close();
                    return;
            }
            await SendJsonAsync(context, 200, JsonSerializer.Serialize(result, MediasoupJson.Options));
        }
        catch (Exception e)
        {
            _log.Enqueue($"[server] {request.HttpMethod} {path} failed: {e}");
            await SendJsonAsync(context, 500, JsonSerializer.Serialize(new { error = e.Message }));
        }
    }

    private async Task<object> CreateTransportAsync()
    {
        var transport = await _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }],
        });
        Transports[transport.Id] = transport;
        return new
        {
            id = transport.Id,
            iceParameters = transport.IceParameters,
            iceCandidates = transport.IceCandidates,
            dtlsParameters = transport.DtlsParameters,
            sctpParameters = transport.SctpParameters,
        };
    }

    private static async Task<string> ReadBodyAsync(HttpListenerRequest request)
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private static async Task SendFileAsync(HttpListenerContext context, string file, string contentType)
    {
        var bytes = await File.ReadAllBytesAsync(file);
        context.Response.ContentType = contentType;
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private static async Task SendJsonAsync(HttpListenerContext context, int status, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
