using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ProviderStatus.Api.Hosting;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ProviderStatus.Tests.Hosting;

/// <summary>The request id on log lines: on every line written while the request is handled, and on no other.</summary>
public sealed class RequestIdEnricherTests
{
    private readonly List<LogEvent> _events = [];
    private readonly Logger _logger;

    public RequestIdEnricherTests()
    {
        _logger = new LoggerConfiguration().MinimumLevel.Verbose().Enrich.With<RequestIdEnricher>().WriteTo.Sink(new ListSink(_events)).CreateLogger();
    }

    private string? RequestIdOf(string message)
    {
        var logEvent = Assert.Single(_events, e => e.MessageTemplate.Text == message);
        return logEvent.Properties.TryGetValue(RequestIdEnricher.PropertyName, out var value) ? ((ScalarValue)value).Value as string : null;
    }

    [Fact]
    public async Task Lines_Of_A_Request_Carry_Its_Id_And_Lines_After_It_Do_Not()
    {
        var middleware = Middleware(async context =>
        {
            _logger.Information("before an await");
            await Task.Yield();
            _logger.Information("after an await");
        });

        _logger.Information("before the request");
        await middleware.InvokeAsync(new DefaultHttpContext { TraceIdentifier = "req-1" });
        _logger.Information("after the request");

        Assert.Null(RequestIdOf("before the request"));
        Assert.Equal("req-1", RequestIdOf("before an await"));
        Assert.Equal("req-1", RequestIdOf("after an await"));
        Assert.Null(RequestIdOf("after the request"));
    }

    [Fact]
    public async Task Requests_Handled_At_Once_Each_Keep_Their_Own_Id()
    {
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var middleware = Middleware(async context =>
        {
            if (Interlocked.Increment(ref started) == 2)
            {
                bothStarted.SetResult();
            }

            await bothStarted.Task;
            _logger.Information("handling " + context.TraceIdentifier);
        });

        await Task.WhenAll(
            middleware.InvokeAsync(new DefaultHttpContext { TraceIdentifier = "a" }),
            middleware.InvokeAsync(new DefaultHttpContext { TraceIdentifier = "b" }));

        Assert.Equal("a", RequestIdOf("handling a"));
        Assert.Equal("b", RequestIdOf("handling b"));
    }

    [Fact]
    public async Task A_Line_That_Names_Its_Own_Request_Id_Keeps_It()
    {
        // Async, so that the id set here is gone when the test returns.
        RequestIdEnricher.Begin("ambient");
        await Task.Yield();
        _logger.Information("explicit {RequestId}", "given");

        Assert.Equal("given", RequestIdOf("explicit {RequestId}"));
    }

    private RequestLoggingMiddleware Middleware(RequestDelegate next)
    {
        var options = Options.Create(new RequestLoggingOptions { Summaries = RequestSummaries.None });
        return new RequestLoggingMiddleware(next, _logger, TimeProvider.System, options, new RepeatedFailures(_logger, TimeProvider.System, options));
    }

    private sealed class ListSink(List<LogEvent> events) : ILogEventSink
    {
        public void Emit(LogEvent logEvent)
        {
            lock (events)
            {
                events.Add(logEvent);
            }
        }
    }
}
