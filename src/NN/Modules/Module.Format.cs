using System.Text;

namespace MiniTorch.NN;

// Printing a model as PyTorch does, so a printed MiniTorch model reads like the PyTorch one:
//   Sequential(
//     (0): Linear(in_features=784, out_features=10, bias=True)
//   )
public abstract partial class Module
{
    /// <summary>The module's settings shown between its parentheses, e.g. <c>in_features=784, out_features=10, bias=True</c>.</summary>
    protected virtual string ExtraRepr() => "";

    /// <summary>
    /// The type name printed by <see cref="ToString"/>: the class name, or PyTorch's where the .NET casing of an
    /// acronym differs (<c>ReLU()</c> for <see cref="Relu"/>), so a model prints as PyTorch prints it.
    /// </summary>
    internal virtual string PrintedName => GetType().Name;

    /// <summary>The module tree with each child's name and settings, in PyTorch's layout.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Append(sb, 0);
        return sb.ToString();
    }

    private void Append(StringBuilder sb, int indent)
    {
        sb.Append(PrintedName).Append('(');
        string extra = ExtraRepr();
        if (_modules.Count == 0)
        {
            sb.Append(extra).Append(')');
            return;
        }
        string pad = new(' ', 2 * (indent + 1));
        if (extra.Length > 0)
        {
            sb.Append('\n').Append(pad).Append(extra);
        }
        foreach (var (name, child) in _modules)
        {
            sb.Append('\n').Append(pad).Append('(').Append(name).Append("): ");
            child.Append(sb, indent + 1);
        }
        sb.Append('\n').Append(' ', 2 * indent).Append(')');
    }

    /// <summary>Formats a bool as PyTorch prints it (<c>True</c>/<c>False</c>), for <see cref="ExtraRepr"/>.</summary>
    protected static string PyBool(bool value) => value ? "True" : "False";
}
