using MiniTorch.Kernels;

namespace MiniTorch;

// In-place ops write into this tensor's storage and bump its version counter, so autograd can detect a
// saved tensor that changed. Their names end in InPlace so mutation is visible where it happens.
public partial class Tensor
{
    /// <summary>this += alpha·other (broadcast to this tensor's shape); returns this.</summary>
    /// <remarks>Rounds this + alpha·other once, as PyTorch's kernel; contiguous operands of the same shape take one pass that allocates nothing.</remarks>
    public Tensor AddInPlace(Tensor other, double alpha = 1)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (alpha != 1 && (other.DType != DType || !IsFloat(this)))
        {
            // Promoted operands take the general path; the scaled operand is an ordinary product.
            return BinaryInPlace("AddInPlace", other * alpha, new AddOp(), static (a, b) => a + b);
        }
        if (alpha == 1)
        {
            return BinaryInPlace("AddInPlace", other, new AddOp(), static (a, b) => a + b);
        }
        CheckFusedOperand("AddInPlace", other);
        if (RecordsInPlace(other, other))
        {
            return BinaryInPlace("AddInPlace", other * alpha, new AddOp(), static (a, b) => a + b);
        }
        return FusedUpdate(FusedKind.AddScaled, other, null, alpha);
    }

    /// <summary>this −= other; returns this.</summary>
    public Tensor SubInPlace(Tensor other) => BinaryInPlace("SubInPlace", other, new SubOp(), static (a, b) => a - b);

    /// <summary>this *= other; returns this.</summary>
    public Tensor MulInPlace(Tensor other) => BinaryInPlace("MulInPlace", other, new MulOp(), static (a, b) => a * b, SelfSaved.IfOtherRequiresGrad);

    /// <summary>this /= other; returns this.</summary>
    public Tensor DivInPlace(Tensor other) => BinaryInPlace("DivInPlace", other, new DivOp(), static (a, b) => a / b, SelfSaved.IfOtherRequiresGrad);

    /// <summary>this += s; returns this. An integer tensor refuses a floating scalar, as PyTorch ("result type Float can't be cast to the desired output type Long").</summary>
    public Tensor AddInPlace(double s) => AddInPlace(ScalarTensor(s, ResultType(this, s)));

    /// <summary>this += s for an integer scalar; returns this.</summary>
    public Tensor AddInPlace(long s) => AddInPlace(ScalarTensor(s, ResultType(this, s)));

    /// <summary>this −= s; returns this.</summary>
    public Tensor SubInPlace(double s) => SubInPlace(ScalarTensor(s, ResultType(this, s)));

    /// <summary>this −= s for an integer scalar; returns this.</summary>
    public Tensor SubInPlace(long s) => SubInPlace(ScalarTensor(s, ResultType(this, s)));

    /// <summary>this *= s; returns this.</summary>
    public Tensor MulInPlace(double s) => MulInPlace(ScalarTensor(s, ResultType(this, s)));

    /// <summary>this *= s for an integer scalar; returns this.</summary>
    public Tensor MulInPlace(long s) => MulInPlace(ScalarTensor(s, ResultType(this, s)));

    /// <summary>this /= s; returns this. True division: an integer tensor is refused, as in PyTorch.</summary>
    public Tensor DivInPlace(double s) => DivInPlace(ScalarTensor(s, ResultType(this, s)));

    /// <summary>this /= s for an integer scalar (true division); returns this.</summary>
    public Tensor DivInPlace(long s) => DivInPlace(ScalarTensor(s, ResultType(this, s)));

    /// <summary>Sets every element to 0 (PyTorch's <c>zero_()</c>); returns this.</summary>
    public Tensor ZeroInPlace() => Fill("ZeroInPlace", 0);

    /// <summary>Sets every element to <paramref name="value"/> (PyTorch's <c>fill_()</c>); returns this.</summary>
    public Tensor FillInPlace(double value) => Fill("FillInPlace", value);

    private Tensor Fill(string op, double value)
    {
        CheckInPlace(op, null);
        if ((Autograd.IsGradEnabled && RequiresGrad) || InPlaceCarriesTangents(null))
        {
            // The new value no longer depends on the old one, but the tensor keeps requiring grad (PyTorch's
            // FillBackward gives the old history a zero gradient). A constant alone would carry no history, and
            // RebaseHistory would then leave the old GradFn in place, sending gradient to the overwritten value.
            return RebaseHistory(Where(ScalarTensor(1L, DType.Bool), ScalarLike(value), HistoryAlias()));
        }
        FillRaw(value);
        Storage.Version++;
        return this;
    }

    /// <summary>Copies <paramref name="source"/> (broadcast to this shape, converted to this dtype as PyTorch's <c>copy_()</c> converts) into this tensor; returns this.</summary>
    public Tensor CopyFromInPlace(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        source = source.PromotedTo(DType);
        CheckInPlace("CopyFromInPlace", source);
        CheckBroadcastsTo("CopyFromInPlace", source);
        if ((Autograd.IsGradEnabled && (RequiresGrad || source.RequiresGrad)) || InPlaceCarriesTangents(source))
        {
            // The gradient goes to the source and the old value gets zero (PyTorch's copy_). Keeping the old value
            // in the graph also keeps this tensor's history when the source is a constant, instead of leaving the
            // stale GradFn that would send gradient to the overwritten value.
            return RebaseHistory(Where(ScalarTensor(1L, DType.Bool), source, HistoryAlias()));
        }
        var src = source.SharesStorageWith(this) ? source.CloneRaw() : source;
        StridedCopy.Copy(src.ExpandRaw(_shape), this);
        Storage.Version++;
        return this;
    }

    /// <summary>Adds into a gradient buffer that no graph has seen: no checks beyond the shape the caller guarantees.</summary>
    internal void AccumulateRaw(Tensor grad)
    {
        WriteInPlace(grad, new AddOp());
        Storage.Version++;
    }

    /// <param name="op">The op's name for error messages.</param>
    /// <param name="other">The second operand, broadcast to this tensor's shape.</param>
    /// <param name="kernel">The kernel for the unrecorded path.</param>
    /// <param name="outOfPlace">The differentiable op recorded when a graph is being built.</param>
    /// <param name="selfSaved">When the recorded op saves its first input for backward: then it gets a copy of the
    /// old value, because the alias of this storage is overwritten (and its version bumped) by the in-place write.</param>
    private Tensor BinaryInPlace<TOp>(string op, Tensor other, TOp kernel, Func<Tensor, Tensor, Tensor> outOfPlace, SelfSaved selfSaved = SelfSaved.Never)
        where TOp : struct, IBinaryOp
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.DType != DType || !IsFloat(this))
        {
            return PromotedInPlace(op, other, outOfPlace);
        }
        CheckInPlace(op, other);
        CheckBroadcastsTo(op, other);
        if ((Autograd.IsGradEnabled && (RequiresGrad || other.RequiresGrad)) || InPlaceCarriesTangents(other))
        {
            // Record the op as if out of place on the old value, then make this tensor its result. Mul and Div save
            // the old value for other's gradient; the alias shares this storage, which the write below overwrites
            // (and whose version it bumps), so save a copy instead, as PyTorch saves self.clone() for in-place ops.
            bool copy = selfSaved == SelfSaved.Always || (selfSaved == SelfSaved.IfOtherRequiresGrad && other.RequiresGrad);
            var old = copy ? HistoryAlias().Clone() : HistoryAlias();
            return RebaseHistory(outOfPlace(old, IsolatedFromSelf(other)));
        }
        WriteInPlace(other.SharesStorageWith(this) ? other.CloneRaw() : other, kernel);
        Storage.Version++;
        return this;
    }

    /// <summary>
    /// A binary in-place op whose operands differ in dtype or are not float32/float64: computed out of place in the
    /// result type and written back, refusing a result type that cannot be cast to this dtype, as PyTorch.
    /// </summary>
    private Tensor PromotedInPlace(string op, Tensor other, Func<Tensor, Tensor, Tensor> outOfPlace)
    {
        if (op == "SubInPlace")
        {
            CheckBoolSub(DType, other.DType);
        }
        var dtype = ResultType(this, other);
        if (op == "DivInPlace")
        {
            dtype = FloatingResultType(dtype);
        }
        CheckCanCastInPlace(op, dtype);
        CheckInPlace(op, other);
        CheckBroadcastsTo(op, other);
        if ((Autograd.IsGradEnabled && (RequiresGrad || other.RequiresGrad)) || InPlaceCarriesTangents(other))
        {
            // The old value goes in as a copy: the op may save it, and the write below overwrites this storage.
            return RebaseHistory(outOfPlace(HistoryAlias().Clone(), IsolatedFromSelf(other)).PromotedTo(DType));
        }
        var result = outOfPlace(this, other);
        StridedCopy.Copy(ElementwiseInteger.Convert(result, DType), this);
        Storage.Version++;
        return this;
    }

    private void WriteInPlace<TOp>(Tensor other, TOp kernel) where TOp : struct, IBinaryOp
    {
        if (IsContiguous)
        {
            if (DType == DType.Float32)
            {
                Elementwise.Run<float, TOp>(this, other, this, kernel);
            }
            else
            {
                Elementwise.Run<double, TOp>(this, other, this, kernel);
            }
            return;
        }
        var result = Elementwise.Map("InPlace", this, other, kernel);
        StridedCopy.Copy(result, this);
    }

    private void CheckBroadcastsTo(string op, Tensor other)
    {
        var shape = Shapes.Broadcast(op, _shape, other._shape);
        if (!Shapes.SameShape(shape, _shape))
        {
            throw new ArgumentException($"{op}: output with shape {Shapes.Format(_shape)} doesn't match the broadcast shape {Shapes.Format(shape)}.");
        }
    }

    private void CheckInPlace(string op, Tensor? other)
    {
        Tracing.CheckInPlace(op, this);
        // In every grad mode, as PyTorch's assert_no_internal_overlap: through a stride-0 (expanded) dim several
        // elements share one memory location, and a write to them has no single meaning.
        for (int d = 0; d < Rank; d++)
        {
            if (_strides[d] == 0 && _shape[d] > 1)
            {
                throw new ArgumentException($"{op}: unsupported operation: more than one element of the written-to tensor (shape {Shapes.Format(_shape)}, strides {Shapes.Format(_strides)}) refers to a single memory location. Clone() the tensor before performing the operation.");
            }
        }
        if (!Autograd.IsGradEnabled)
        {
            return;
        }
        if (IsLeaf && RequiresGrad)
        {
            throw new AutogradException($"{op}: a leaf Variable that requires grad is being used in an in-place operation. Do the update inside `using (Autograd.NoGrad())` (as optimizers do), or work on a Detach()ed or Clone()d tensor.");
        }
        if (ViewBase is not null && (ViewBase.RequiresGrad || RequiresGrad || other?.RequiresGrad == true))
        {
            throw new AutogradException($"{op}: in-place operation on a view (shape {Shapes.Format(_shape)}) of a tensor that takes part in autograd is not supported by MiniTorch; use the out-of-place op and Cat/Where to build the new value, or do it inside Autograd.NoGrad().");
        }
    }

    /// <summary>A new tensor object sharing storage and the current history: the "old value" input of an in-place op.</summary>
    private Tensor HistoryAlias()
    {
        var alias = new Tensor(Storage, _shape, _strides, Offset);
        if (_gradFn is not null)
        {
            alias._gradFn = _gradFn;
            alias._outputNr = _outputNr;
            alias._requiresGrad = true;
        }
        else
        {
            alias._requiresGrad = false;
        }
        // The old value keeps its tangent, so the out-of-place op computes the new value's tangent too.
        alias._dual = _dual;
        return alias;
    }

    /// <summary>Writes <paramref name="result"/> into this tensor and makes its history this tensor's.</summary>
    private Tensor RebaseHistory(Tensor result)
    {
        StridedCopy.Copy(result, this);
        Storage.Version++;
        if (result._gradFn is not null)
        {
            SetHistory(result._gradFn, result._outputNr);
        }
        if (ForwardAD.IsActive)
        {
            TakeTangentOf(result);
        }
        return this;
    }

    /// <summary>When the differentiable form of a binary in-place op saves its first input (the old value) for backward.</summary>
    private enum SelfSaved
    {
        Never,
        IfOtherRequiresGrad,
        Always,
    }
}
