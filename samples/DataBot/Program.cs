Console.WriteLine("RxMediasoup DataBot sample (hosting the Room: pending)");
