// B0, the framework's ceiling on this machine: a minimal API on Kestrel that answers
// GET /v1/settings/providers with precomputed bytes identical to a typical response of the service,
// with no authentication, no database and no logging.
//   dotnet Baseline.dll <response.json> <url>
var body = File.ReadAllBytes(args[0]);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
var app = builder.Build();
app.MapGet("/v1/settings/providers", (HttpContext context) =>
{
    context.Response.ContentType = "application/json; charset=utf-8";
    context.Response.ContentLength = body.Length;
    return context.Response.Body.WriteAsync(body).AsTask();
});
app.Run(args[1]);
