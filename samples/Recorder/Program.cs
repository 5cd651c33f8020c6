Console.WriteLine("RxMediasoup Recorder sample (hosting the Room: pending)");
