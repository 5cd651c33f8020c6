// The Room sample: `dotnet run --project samples/Room`, then open http://127.0.0.1:3000/?roomId=demo&peerId=alice
// in two tabs (another peerId in the second). See README.md; the signalling protocol is PROTOCOL.md.
return await RxMediasoup.Samples.Room.RoomServer.RunAsync(args);
