namespace ProviderStatus.Api.Cli;

/// <summary>The command line was not understood; exit code 2, with the usage text.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The command was understood but cannot be carried out; exit code 1.</summary>
internal sealed class CommandException(string message) : Exception(message);

/// <summary>
/// Reads <c>--name value</c> / <c>--name=value</c> options and positional arguments, and refuses
/// anything left over, so a typo in an option is an error rather than silently ignored.
/// </summary>
internal sealed class CommandArguments(IEnumerable<string> args)
{
    private readonly List<string> _args = [.. args];

    public List<string> Options(string name)
    {
        var values = new List<string>();
        for (var i = 0; i < _args.Count;)
        {
            if (_args[i] == name)
            {
                if (i + 1 >= _args.Count || _args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"{name} needs a value.");
                }

                values.Add(_args[i + 1]);
                _args.RemoveRange(i, 2);
            }
            else if (_args[i].StartsWith(name + "=", StringComparison.Ordinal))
            {
                values.Add(_args[i][(name.Length + 1)..]);
                _args.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }

        return values;
    }

    public string? Option(string name)
    {
        var values = Options(name);
        return values.Count <= 1 ? values.SingleOrDefault() : throw new UsageException($"{name} can be given once.");
    }

    public string RequiredOption(string name) => Option(name) ?? throw new UsageException($"{name} is required.");

    public string Positional(string description)
    {
        var index = _args.FindIndex(a => !a.StartsWith("--", StringComparison.Ordinal));
        if (index < 0)
        {
            throw new UsageException($"Missing {description}.");
        }

        var value = _args[index];
        _args.RemoveAt(index);
        return value;
    }

    public void EnsureNoneLeft()
    {
        if (_args.Count > 0)
        {
            throw new UsageException($"Unexpected argument '{_args[0]}'.");
        }
    }
}
