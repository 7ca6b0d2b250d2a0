namespace MiniTorch.NN;

/// <summary>
/// The modules being called on this thread, outermost first. Modules do not know their parents (one module
/// may sit in several models), so the path in an error message, e.g. <c>backbone.0</c>, is worked out from the
/// chain of calls that reached the module: each caller's name for its child.
/// </summary>
internal static class ModuleCallStack
{
    [ThreadStatic]
    private static List<Module>? t_stack;

    public static void Push(Module module) => (t_stack ??= []).Add(module);

    public static void Pop() => t_stack!.RemoveAt(t_stack.Count - 1);

    /// <summary>The dotted path of <paramref name="module"/> from the outermost module being called; "" if it is that module or not being called.</summary>
    public static string PathOf(Module module)
    {
        var stack = t_stack;
        if (stack is null)
        {
            return "";
        }
        int depth = -1;
        for (int i = stack.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(stack[i], module))
            {
                depth = i;
                break;
            }
        }
        if (depth <= 0)
        {
            return "";
        }
        var parts = new string[depth];
        for (int i = 1; i <= depth; i++)
        {
            parts[i - 1] = stack[i - 1].NameOfChild(stack[i]) ?? $"<unregistered {stack[i].GetType().Name}>";
        }
        return string.Join('.', parts);
    }
}
