using System.Collections;
using System.Reflection;

namespace MiniTorch.NN.Tests.Modules;

/// <summary>
/// The library registers state explicitly (no reflection at run time). This test uses reflection once, here, to
/// catch a module that keeps a Parameter, a tensor or a child module in a field without registering it: such state
/// would be missing from Parameters(), StateDict(), To() and Train()/Eval().
/// </summary>
public class RegistrationCompletenessTests
{
    /// <summary>One instance of every concrete module type in MiniTorch.NN.</summary>
    private static readonly Dictionary<Type, Func<Module>> Factories = new()
    {
        [typeof(Linear)] = () => new Linear(3, 2),
        [typeof(Sequential)] = () => new Sequential(new Linear(2, 2), new Relu()),
        [typeof(Relu)] = () => new Relu(),
        [typeof(LeakyRelu)] = () => new LeakyRelu(),
        [typeof(Tanh)] = () => new Tanh(),
        [typeof(Sigmoid)] = () => new Sigmoid(),
        [typeof(Gelu)] = () => new Gelu(),
        [typeof(Softmax)] = () => new Softmax(1),
        [typeof(LogSoftmax)] = () => new LogSoftmax(1),
        [typeof(Dropout)] = () => new Dropout(0.1, new Generator(1)),
        [typeof(Flatten)] = () => new Flatten(),
        [typeof(Identity)] = () => new Identity(),
        [typeof(Conv2d)] = () => new Conv2d(1, 2, 3),
        [typeof(MaxPool2d)] = () => new MaxPool2d(2),
        [typeof(AvgPool2d)] = () => new AvgPool2d(2),
        [typeof(AdaptiveAvgPool2d)] = () => new AdaptiveAvgPool2d(1),
        [typeof(BatchNorm1d)] = () => new BatchNorm1d(3),
        [typeof(BatchNorm2d)] = () => new BatchNorm2d(3),
        [typeof(LayerNorm)] = () => new LayerNorm(4),
        [typeof(Embedding)] = () => new Embedding(5, 2, paddingIdx: 0),
    };

    private sealed class Forgetful : Module
    {
        private readonly Parameter _registered;
        private readonly Parameter _forgotten = new(Tensor.Ones(2));
        private readonly List<Module> _layers = [new Relu()];

        public Forgetful() => _registered = RegisterParameter("w", new Parameter(Tensor.Ones(1)))!;

        protected override Tensor Forward(Tensor input) => input * _registered * _forgotten.Sum() + _layers.Count;
    }

    [Fact]
    public void EveryModuleTypeOfTheLibraryIsChecked()
    {
        var concrete = typeof(Module).Assembly.GetTypes()
            .Where(t => typeof(Module).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => t.FullName)
            .Order()
            .ToArray();
        Assert.Equal(concrete, Factories.Keys.Select(t => t.FullName).Order().ToArray());
    }

    [Fact]
    public void EveryParameterTensorAndModuleFieldIsRegistered()
    {
        foreach (var (type, create) in Factories)
        {
            Assert.True(UnregisteredFields(create()).Count == 0, $"{type.Name} has unregistered fields: {string.Join(", ", UnregisteredFields(create()))}");
        }
        Assert.Empty(UnregisteredFields(new ModuleTests.Net()));
    }

    [Fact]
    public void TheCheckCatchesForgottenFieldsAndCollections()
    {
        Assert.Equal(["Forgetful._forgotten", "Forgetful._layers[0]"], UnregisteredFields(new Forgetful()));
    }

    /// <summary>Fields (of the module's own types, up to Module) holding a tensor or module that the module did not register.</summary>
    private static List<string> UnregisteredFields(Module module)
    {
        var registered = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var p in module.Parameters(recurse: false))
        {
            registered.Add(p);
        }
        foreach (var b in module.Buffers(recurse: false))
        {
            registered.Add(b);
        }
        foreach (var c in module.Children())
        {
            registered.Add(c);
        }
        var problems = new List<string>();
        for (var type = module.GetType(); type is not null && type != typeof(Module); type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var value = field.GetValue(module);
                if (value is Tensor or Module)
                {
                    if (!registered.Contains(value))
                    {
                        problems.Add($"{type.Name}.{field.Name}");
                    }
                }
                else if (value is IEnumerable items and not string)
                {
                    int i = 0;
                    foreach (var item in items)
                    {
                        if (item is Tensor or Module && !registered.Contains(item))
                        {
                            problems.Add($"{type.Name}.{field.Name}[{i}]");
                        }
                        i++;
                    }
                }
            }
        }
        return problems;
    }
}
