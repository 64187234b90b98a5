using Microsoft.Extensions.Options;

namespace ProviderStatus.Api.Hosting;

internal static class OptionsExtensions
{
    /// <summary>
    /// The one way this service registers settings: bound from <paramref name="section"/>, checked by
    /// <typeparamref name="TValidator"/> when the host starts, so a bad value stops startup with a
    /// message naming its key instead of failing the first request that reads it.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>
    /// Validates every settings section now, before anything starts. On a bad value writes one line
    /// naming the key (never a stack trace) and returns false.
    /// </summary>
    public static bool TryValidateConfiguration(this IServiceProvider services, TextWriter error)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return true;
        }
        catch (OptionsValidationException e)
        {
            error.WriteLine($"Configuration error: {e.Message}");
            return false;
        }
        catch (InvalidOperationException e) when (e.InnerException is FormatException or ArgumentException or OverflowException)
        {
            // A value the binder cannot convert, such as a word where a number belongs. Its message
            // names the key, the value and the type: "Failed to convert configuration value 'abc' at
            // 'Cache:MaxStaleness' to type 'System.TimeSpan'."
            error.WriteLine($"Configuration error: {e.Message}");
            return false;
        }
    }
}
