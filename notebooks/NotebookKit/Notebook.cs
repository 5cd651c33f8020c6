namespace RxMediasoup.Notebooks;

/// <summary>
/// Where a notebook's rich output goes. A file-based app (<c>dotnet run notebooks/NAME.cs</c>) has no notebook host:
/// charts are written as PNG files and described on stdout. The generated <c>.dib</c> calls <see cref="UseHtml"/> with
/// the host's <c>display(HTML(...))</c>, so the same charts also appear inline there.
/// </summary>
public static class Notebook
{
    private static Action<string>? _html;

    /// <summary>True when a notebook host displays HTML (the .dib form).</summary>
    public static bool HasHost => _html is not null;

    /// <summary>Sends HTML to the notebook host from now on (called by the generated first cell of each .dib).</summary>
    public static void UseHtml(Action<string> display) => _html = display ?? throw new ArgumentNullException(nameof(display));

    /// <summary>Shows <paramref name="html"/> in the host; does nothing without one.</summary>
    public static void Html(string html) => _html?.Invoke(html);

    /// <summary>
    /// The folder charts are written to: <c>NOTEBOOK_OUT_DIR</c> when set (scripts/run-notebooks.sh sets it), else
    /// <c>out</c> under the current directory.
    /// </summary>
    public static string OutputDirectory
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("NOTEBOOK_OUT_DIR");
            return Path.GetFullPath(string.IsNullOrEmpty(dir) ? "out" : dir);
        }
    }
}
