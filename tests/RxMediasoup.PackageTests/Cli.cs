using System.Diagnostics;
using System.Text;

namespace RxMediasoup.PackageTests;

/// <summary>The outcome of a command: exit code and both outputs.</summary>
public sealed record CliResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Everything, for assertion messages.</summary>
    public override string ToString() => $"`{Command}` exited {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";

    /// <summary>The value of the first stdout line <c>name: value</c>, or null.</summary>
    public string? Line(string name) => Stdout.Split('\n').Select(l => l.TrimEnd('\r'))
        .FirstOrDefault(l => l.StartsWith(name + ": ", StringComparison.Ordinal))?[(name.Length + 2)..];
}

/// <summary>Runs commands to completion with a time limit (the whole process tree is killed past it).</summary>
public static class Cli
{
    /// <summary>Runs <paramref name="file"/>; <paramref name="environment"/> adds variables, a null value removes one.
    /// MSBuild's variables set by `dotnet test` never reach the child (a nested build must be a plain one).</summary>
    public static async Task<CliResult> RunAsync(string file, IEnumerable<string> args, string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        foreach (string name in psi.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(name);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
        {
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }

        string command = string.Join(' ', new[] { file }.Concat(psi.ArgumentList));
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {command}");
        process.StandardInput.Close();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var outDone = PumpAsync(process.StandardOutput, stdout);
        var errDone = PumpAsync(process.StandardError, stderr);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"`{command}` did not finish within {(timeout ?? TimeSpan.FromMinutes(3)).TotalSeconds} s\n{stdout}\n{stderr}");
        }
        await Task.WhenAll(outDone, errDone);
        return new CliResult(command, process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary><c>dotnet</c> with MSBuild node reuse and the shared compiler off, so no build server outlives the test.</summary>
    public static Task<CliResult> DotnetAsync(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        RunAsync("dotnet", args.Concat(args[0] is "build" or "publish" or "pack" or "restore" or "test"
            ? ["-nodeReuse:false", "-p:UseSharedCompilation=false", "-nologo"] : []), workingDirectory, environment);

    private static async Task PumpAsync(StreamReader reader, StringBuilder into)
    {
        string? line;
        while ((line = await reader.ReadLineAsync()) is not null)
        {
            lock (into) into.AppendLine(line);
        }
    }
}
