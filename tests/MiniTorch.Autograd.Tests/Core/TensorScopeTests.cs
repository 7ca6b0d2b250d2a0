namespace MiniTorch.Tests.Core;

/// <summary>
/// Disposal and <see cref="TensorScope"/>: memory goes back to the buffer pool only when no live tensor can read it,
/// a pooled array never shows its old values through a new tensor, and disposed tensors fail loudly.
/// Each test uses its own odd element count, so tests running in parallel never trade arrays with one another.
/// </summary>
public class TensorScopeTests
{
    private const float Sentinel = 12345.5f;

    private static Tensor Filled(int n) => Tensor.Full([n], Sentinel);

    [Fact]
    public void DisposedTensorThrowsNamingItsShape()
    {
        var t = Tensor.Ones(3, 7);
        t.Dispose();
        Assert.True(t.IsDisposed);
        var e = Assert.Throws<ObjectDisposedException>(() => t.ToFloatArray());
        Assert.Contains("[3, 7]", e.Message);
        Assert.Throws<ObjectDisposedException>(() => t.Sum());
        Assert.Throws<ObjectDisposedException>(() => t.GetValue(0, 0));
        Assert.Throws<ObjectDisposedException>(() => t.T); // a view of memory that went back to the pool
        t.Dispose(); // twice is fine
    }

    [Fact]
    public void PooledArrayNeverShowsStaleValues()
    {
        const int n = 10_007;
        var old = Filled(n);
        var array = old.Data<float>();
        old.Dispose();

        // Zeros gets the very array that held the sentinel (so the test would see stale values if any leaked) and clears it.
        var zeros = Tensor.Zeros([n]);
        Assert.Same(array, zeros.Data<float>());
        Assert.All(zeros.ToFloatArray(), v => Assert.Equal(0f, v));
        zeros.Dispose();

        // Ops that write every element of an uninitialised result (Arange wraps an array of its own, not a pooled one).
        var ramp = Tensor.Arange((double)n);
        var sum = ramp + ramp;
        Assert.Same(array, sum.Data<float>());
        var values = sum.ToFloatArray();
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(2f * i, values[i]);
        }
        sum.Dispose();
        var shifted = ramp.Neg();
        Assert.Same(array, shifted.Data<float>());
        Assert.Equal(-(n - 1f), shifted.ToFloatArray()[^1]);
    }

    [Fact]
    public void ViewsKeepTheStorageAlive()
    {
        const int n = 10_009;
        var t = Filled(n);
        var array = t.Data<float>();
        var view = t.View(1, n);
        t.Dispose();
        // The view still owns the memory: new tensors of that size get other arrays and the view keeps its values.
        var other = Tensor.Full([n], 3);
        Assert.NotSame(array, other.Data<float>());
        Assert.All(view.ToFloatArray(), v => Assert.Equal(Sentinel, v));
        view.Dispose();
        var reused = Tensor.Zeros([n]);
        Assert.Same(array, reused.Data<float>());
        Assert.All(reused.ToFloatArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void UndisposedTensorsAreNeverRecycled()
    {
        const int n = 10_037;
        var t = Filled(n);
        var array = t.Data<float>();
        using (TensorScope.Enter())
        {
            var inside = t + 1; // made in the scope; t itself was made outside and is untouched
            Assert.Equal(Sentinel + 1, inside.ToFloatArray()[0]);
        }
        Assert.False(t.IsDisposed);
        Assert.NotSame(array, Tensor.Zeros([n]).Data<float>());
        Assert.All(t.ToFloatArray(), v => Assert.Equal(Sentinel, v));
    }

    [Fact]
    public void ScopeDisposesWhatItMadeUnlessMovedOut()
    {
        Tensor inside, kept, detached, view;
        using (var scope = TensorScope.Enter())
        {
            Assert.Same(scope, TensorScope.Current);
            inside = Tensor.Ones(4) * 2;
            kept = (inside + 1).MoveToOuterScope();
            detached = (inside + 2).DetachFromScope();
            view = kept.View(2, 2);
            Assert.Equal(1, view.Rank - 1);
        }
        Assert.Null(TensorScope.Current);
        Assert.True(inside.IsDisposed);
        Assert.True(view.IsDisposed);
        Assert.Equal(new float[] { 3, 3, 3, 3 }, kept.ToFloatArray());
        Assert.Equal(new float[] { 4, 4, 4, 4 }, detached.ToFloatArray());
    }

    [Fact]
    public void NestedScopesMoveTensorsOneLevelOut()
    {
        Tensor fromInner;
        using (var outer = TensorScope.Enter())
        {
            using (var inner = TensorScope.Enter())
            {
                Assert.Same(outer, inner.Parent);
                fromInner = Tensor.Ones(3).MoveToOuterScope();
                Assert.Equal(1, outer.OwnedCount);
            }
            Assert.Same(outer, TensorScope.Current);
            Assert.False(fromInner.IsDisposed);
        }
        Assert.True(fromInner.IsDisposed);
    }

    [Fact]
    public void EndingAnOuterScopeEndsTheInnerOnesFirst()
    {
        var outer = TensorScope.Enter();
        var inner = TensorScope.Enter();
        var t = Tensor.Ones(2);
        outer.Dispose();
        Assert.True(inner.IsDisposed);
        Assert.True(t.IsDisposed);
        Assert.Null(TensorScope.Current);
    }

    [Fact]
    public void IncludeHandsATensorToTheScope()
    {
        var t = Tensor.Ones(5);
        using (var scope = TensorScope.Enter())
        {
            Assert.Same(t, scope.Include(t));
        }
        Assert.True(t.IsDisposed);
        var ended = TensorScope.Enter();
        ended.Dispose();
        Assert.Throws<ObjectDisposedException>(() => ended.Include(Tensor.Ones(1)));
    }

    [Fact]
    public void LeafGradientsSurviveTheScopeOfBackward()
    {
        var w = Tensor.Randn([8, 3], generator: new Generator(1), requiresGrad: true);
        var x = Tensor.Randn([4, 8], generator: new Generator(2));
        Tensor y;
        using (TensorScope.Enter())
        {
            y = x.Matmul(w).Relu().Sum();
            y.Backward();
        }
        Assert.True(y.IsDisposed);
        Assert.NotNull(w.Grad);
        Assert.False(w.Grad!.IsDisposed);
        var expected = w.Grad.ToFloatArray();
        w.Grad = null;
        x.Matmul(w).Relu().Sum().Backward();
        Assert.Equal(expected, w.Grad!.ToFloatArray());
    }

    [Fact]
    public void AssigningAGradientOnlyLengthensItsLifetime()
    {
        using (var outer = TensorScope.Enter())
        {
            var grad = Tensor.Ones(2);
            Tensor scopedOwner;
            using (TensorScope.Enter())
            {
                scopedOwner = Tensor.Zeros(2);
                scopedOwner.Grad = grad; // the owner dies sooner: the gradient keeps its outer lifetime
                var inner = Tensor.Full([2], 5);
                var parameter = Tensor.Zeros(2).DetachFromScope();
                parameter.Grad = inner; // unscoped owner: the gradient leaves every scope
                Assert.Null(inner.Scope);
            }
            Assert.True(scopedOwner.IsDisposed);
            Assert.False(grad.IsDisposed);
            Assert.Same(outer, grad.Scope);
        }
    }

    [Fact]
    public void TensorSubclassMadeInAScopeOutlivesIt()
    {
        Tensor wrapped;
        using (TensorScope.Enter())
        {
            wrapped = new Wrapped(Tensor.Full([3], 7));
        }
        Assert.False(wrapped.IsDisposed);
        Assert.Equal(new float[] { 7, 7, 7 }, wrapped.ToFloatArray());
    }

    [Fact]
    public void BackwardThroughADisposedSavedTensorFailsClearly()
    {
        var a = Tensor.Ones([3], requiresGrad: true);
        var h = a * 3;
        var y = (h * h).Sum();
        h.Dispose();
        Assert.Throws<ObjectDisposedException>(() => y.Backward());
    }

    [Fact]
    public void ScopeResultsMatchUnscopedResultsInFloat64()
    {
        var x = Tensor.Randn([5, 6], DType.Float64, new Generator(3), requiresGrad: true);
        double unscoped = (x.Exp() * x).Sum().Item();
        double scoped;
        using (TensorScope.Enter())
        {
            for (int i = 0; i < 3; i++)
            {
                _ = (x.Exp() * x).Sum().Item();
            }
            scoped = (x.Exp() * x).Sum().Item();
        }
        Assert.Equal(unscoped, scoped);
    }

    private sealed class Wrapped : Tensor
    {
        public Wrapped(Tensor data) : base(data)
        {
        }
    }
}
