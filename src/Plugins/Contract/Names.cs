using System.Text.RegularExpressions;

namespace MiniTorch.Plugins;

/// <summary>The naming rules for plugins, ops, modules and attributes, in one place so every error states the same rule.</summary>
internal static partial class Names
{
    public const string PluginRule = "letters, digits, '.', '-' and '_', starting with a letter";
    public const string OpRule = "lower-case letters, digits and '_', starting with a letter, like PyTorch's op names (e.g. linear_gelu)";
    public const string ModuleRule = "letters and digits, starting with an upper-case letter, like a type name (e.g. LinearGelu)";
    public const string AttributeRule = "letters and digits, starting with a lower-case letter, like a C# parameter (e.g. inFeatures)";

    public static bool IsPluginName(string? name) => name is not null && PluginPattern().IsMatch(name);

    public static bool IsOpName(string? name) => name is not null && OpPattern().IsMatch(name);

    public static bool IsModuleName(string? name) => name is not null && ModulePattern().IsMatch(name);

    public static bool IsAttributeName(string? name) => name is not null && AttributePattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]*$")]
    private static partial Regex PluginPattern();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex OpPattern();

    [GeneratedRegex("^[A-Z][A-Za-z0-9]*$")]
    private static partial Regex ModulePattern();

    [GeneratedRegex("^[a-z][A-Za-z0-9]*$")]
    private static partial Regex AttributePattern();
}
