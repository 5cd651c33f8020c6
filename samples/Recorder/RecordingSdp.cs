using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RxMediasoup.Samples.Recorder;

/// <summary>The SDP that tells ffmpeg what arrives on which port, and the ports themselves.</summary>
internal static class RecordingSdp
{
    /// <summary>
    /// One m-line for the consumer's codec: ffmpeg listens for RTP on <paramref name="rtpPort"/> and RTCP on the next
    /// port (the RTP/AVP convention ffmpeg follows), so the plain transport is created with <c>rtcpMux: false</c>.
    /// </summary>
    public static string Create(string ip, int rtpPort, RtpCodecParameters codec, MediaKind kind)
    {
        var sdp = new StringBuilder();
        void Line(string s) => sdp.Append(s).Append("\r\n");
        string name = codec.MimeType[(codec.MimeType.IndexOf('/') + 1)..];
        string pt = codec.PayloadType.ToString(CultureInfo.InvariantCulture);
        Line("v=0");
        Line($"o=- 0 0 IN IP4 {ip}");
        Line("s=RxMediasoup recorder");
        Line($"c=IN IP4 {ip}");
        Line("t=0 0");
        Line($"m={(kind == MediaKind.Video ? "video" : "audio")} {rtpPort.ToString(CultureInfo.InvariantCulture)} RTP/AVP {pt}");
        string rtpmap = $"a=rtpmap:{pt} {name}/{codec.ClockRate.ToString(CultureInfo.InvariantCulture)}";
        if (codec.Channels is > 1) rtpmap += "/" + codec.Channels.Value.ToString(CultureInfo.InvariantCulture);
        Line(rtpmap);
        Line("a=recvonly");
        return sdp.ToString();
    }

    /// <summary>An even UDP port whose successor is free too (ffmpeg's RTP and RTCP ports), found by binding both.</summary>
    public static int FreeRtpPortPair(string ip)
    {
        var address = IPAddress.Parse(ip);
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int port = Random.Shared.Next(30000 / 2, 60000 / 2) * 2;
            try
            {
                using var rtp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                using var rtcp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                rtp.Bind(new IPEndPoint(address, port));
                rtcp.Bind(new IPEndPoint(address, port + 1));
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another pair.
            }
        }
        throw new InvalidOperationException($"no free UDP port pair on {ip}");
    }

    /// <summary>True once some process listens on UDP <paramref name="port"/> (Linux: /proc/net/udp and udp6).</summary>
    public static bool IsUdpPortBound(int port)
    {
        string hex = ":" + port.ToString("X4", CultureInfo.InvariantCulture) + " ";
        foreach (var table in new[] { "/proc/net/udp", "/proc/net/udp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // "  sl  local_address rem_address ...": the local address is the second column.
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length > 1 && (columns[1] + " ").EndsWith(hex, StringComparison.Ordinal)) return true;
            }
        }
        return false;
    }
}
