using System.Text;

namespace RxMediasoup;

/// <summary>
/// A message delivered to a <see cref="DataConsumer"/> of a <see cref="DirectTransport"/> (see
/// <see cref="DataConsumer.Messages"/>).
/// </summary>
/// <param name="Ppid">
/// The SCTP payload protocol id: 51 WebRTC String, 53 WebRTC Binary, 56 WebRTC String Empty (payload: one space),
/// 57 WebRTC Binary Empty (payload: one zero byte), or whatever the sender chose.
/// </param>
/// <param name="Payload">
/// The message bytes. Ownership: the array is a fresh copy made for this message only (out of the channel's receive
/// buffer) and never reused by the library: a subscriber may keep it as long as it likes. All subscribers of the same
/// stream receive the same array, so one that mutates it changes what the others see.
/// </param>
public readonly record struct DataMessage(uint Ppid, byte[] Payload)
{
    /// <summary>True for the WebRTC string PPIDs (51, 56).</summary>
    public bool IsText => Ppid is 51 or 56;

    /// <summary>The payload decoded as UTF-8 (an empty string for PPID 56, whose payload is a placeholder space).</summary>
    public string Text => Ppid == 56 ? string.Empty : Encoding.UTF8.GetString(Payload);
}
