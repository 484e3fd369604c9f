// A small ASP.NET Core service with LeakHound.Hosting: /leak keeps what each request allocates (the unbounded contact
// Map of the incidents), /work allocates the same and lets it go. /health reports the leak monitor as JSON.
//
//   dotnet run --project samples/LeakHound.SampleService -- --urls http://127.0.0.1:5080
//   options (compressed time for demos and tests): --interval 0.1s --min-span 10s --warmup 1s --negligible 100%/min --leakhound off
using System.Collections.Concurrent;
using LeakHound.Core.Detection;
using LeakHound.Core.Units;
using LeakHound.Hosting;
using LeakHound.SampleService;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("LeakHound", LogLevel.Information);
bool monitored = builder.Configuration["leakhound"] is not "off";
if (monitored)
{
    builder.Services.AddLeakHound(o =>
    {
        o.SampleInterval = TimeSpan.FromSeconds(Seconds(builder.Configuration["interval"], 5));
        o.WarmUp = TimeSpan.FromSeconds(Seconds(builder.Configuration["warmup"], 30));
        o.Detector = DetectorOptions.Default with
        {
            MinSpanSeconds = Seconds(builder.Configuration["min-span"], 300),
            NegligibleGrowthPerHour = Share(builder.Configuration["negligible"], 0.01),
        };
    });
}
else
{
    builder.Services.AddHealthChecks();
}

WebApplication app = builder.Build();
ConcurrentQueue<byte[]> kept = new();

app.MapGet("/leak", (int? kb) =>
{
    byte[] contact = Payload.Fill(kb ?? 64);
    kept.Enqueue(contact); // never removed
    return Results.Ok(new { kept = kept.Count });
});
app.MapGet("/work", (int? kb) =>
{
    byte[] scratch = Payload.Fill(kb ?? 64);
    return Results.Ok(new { checksum = scratch[^1] });
});
app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthJson.WriteAsync });
app.Run();

static double Share(string? text, double fallback) =>
    text is null ? fallback
    : Quantity.TryParseSharePerHour(text, out double perHour) ? perHour
    : throw new ArgumentException($"not a share of the level per time: {text} (use 1%/h, 100%/min)");

static double Seconds(string? text, double fallback) =>
    text is null ? fallback
    : Quantity.TryParseDuration(text, out double s) ? s
    : throw new ArgumentException($"not a duration: {text} (use 500ms, 10s, 5m)");
