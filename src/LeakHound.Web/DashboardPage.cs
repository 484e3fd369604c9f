namespace LeakHound.Web;

/// <summary>The dashboard page with uPlot inlined: it works where the machine has no internet.</summary>
internal static class DashboardPage
{
    public static readonly string Html = Resource("dashboard.html")
        .Replace("/*UPLOT_CSS*/", Resource("uPlot.css"), StringComparison.Ordinal)
        .Replace("/*UPLOT_JS*/", Resource("uPlot.js"), StringComparison.Ordinal)
        .Replace("/*DASHBOARD_JS*/", Resource("dashboard.js"), StringComparison.Ordinal);

    private static string Resource(string name)
    {
        using Stream stream = typeof(DashboardPage).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"dashboard asset {name} is missing from the build");
        using StreamReader reader = new(stream);
        return reader.ReadToEnd();
    }
}
