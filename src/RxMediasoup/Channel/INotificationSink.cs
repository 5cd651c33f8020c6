namespace RxMediasoup.Channel;

/// <summary>
/// Receives the worker's notifications addressed to one handler id (an entity id, or the worker's pid).
/// Called synchronously on the channel's single reader loop, in worker order; the notification is only valid
/// during the call (it points into the receive buffer). Implementations live in the protocol layer and turn
/// the generated types into the library's model.
/// </summary>
internal interface INotificationSink
{
    void OnNotification(FBS.Notification.Event @event, in FBS.Notification.Notification notification);
}
