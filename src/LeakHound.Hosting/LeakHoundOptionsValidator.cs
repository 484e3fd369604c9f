using Microsoft.Extensions.Options;

namespace LeakHound.Hosting;

/// <summary>Fails the host at start with the exact option that is wrong, rather than a monitor that silently does nothing.</summary>
internal sealed class LeakHoundOptionsValidator : IValidateOptions<LeakHoundOptions>
{
    public ValidateOptionsResult Validate(string? name, LeakHoundOptions options) =>
        options.Validate() is { } error ? ValidateOptionsResult.Fail("LeakHound: " + error) : ValidateOptionsResult.Success;
}
