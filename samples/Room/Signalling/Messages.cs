using System.Text.Json;
using System.Text.Json.Nodes;

namespace RxMediasoup.Samples.Room;

/// <summary>A parsed request: <c>{ "id": 1, "method": "join", "data": { … } }</c>.</summary>
public sealed record Request(long Id, string Method, RequestData Data)
{
    /// <summary>Parses one message; errors name the field and carry the request's id when it could be read.</summary>
    /// <exception cref="SignallingException">The message is not a valid request.</exception>
    public static Request Parse(string text, out long? id)
    {
        id = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw new SignallingException(ErrorCodes.MalformedJson, $"the message is not valid JSON: {e.Message}");
        }
        using var _ = document;
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new SignallingException(ErrorCodes.InvalidRequest, $"a request must be a JSON object, not {RequestData.KindName(root.ValueKind)}");
        if (!root.TryGetProperty("id", out var idElement) || idElement.ValueKind == JsonValueKind.Null)
            throw new SignallingException(ErrorCodes.MissingField, "id is required (an integer)");
        if (idElement.ValueKind != JsonValueKind.Number || !idElement.TryGetInt64(out long requestId))
            throw new SignallingException(ErrorCodes.WrongType, $"id must be an integer, not {(idElement.ValueKind == JsonValueKind.Number ? idElement.GetRawText() : RequestData.KindName(idElement.ValueKind))}");
        id = requestId;
        if (!root.TryGetProperty("method", out var method) || method.ValueKind == JsonValueKind.Null)
            throw new SignallingException(ErrorCodes.MissingField, "method is required (a string)");
        if (method.ValueKind != JsonValueKind.String)
            throw new SignallingException(ErrorCodes.WrongType, $"method must be a string, not {RequestData.KindName(method.ValueKind)}");
        JsonElement data = default;
        if (root.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null)
        {
            if (d.ValueKind != JsonValueKind.Object)
                throw new SignallingException(ErrorCodes.WrongType, $"data must be an object, not {RequestData.KindName(d.ValueKind)}");
            data = d.Clone();
        }
        return new Request(requestId, method.GetString()!, new RequestData(data));
    }
}

/// <summary>The server's messages, serialized with <see cref="MediasoupJson.Options"/> (mediasoup's JSON shapes).</summary>
public static class Messages
{
    /// <summary><c>{ "id": 1, "ok": true, "data": … }</c></summary>
    public static string Ok(long id, object? data) => Serialize(new JsonObject
    {
        ["id"] = id,
        ["ok"] = true,
        ["data"] = data is null ? new JsonObject() : JsonSerializer.SerializeToNode(data, MediasoupJson.Options),
    });

    /// <summary><c>{ "id": 1 | null, "ok": false, "error": { "code": "…", "message": "…" } }</c></summary>
    public static string Error(long? id, string code, string message) => Serialize(new JsonObject
    {
        ["id"] = id,
        ["ok"] = false,
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    });

    /// <summary><c>{ "notification": "peerJoined", "data": … }</c></summary>
    public static string Notification(string name, object data) => Serialize(new JsonObject
    {
        ["notification"] = name,
        ["data"] = JsonSerializer.SerializeToNode(data, MediasoupJson.Options),
    });

    private static string Serialize(JsonObject message) => message.ToJsonString(MediasoupJson.Options);
}
