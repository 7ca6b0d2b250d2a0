namespace MiniTorch;

// The pass's gradient buffers: how an arriving gradient joins a node's buffer (kept, summed, summed in place, or a
// slice added into its child's sum), and how buffers the pass let go of are given back to the pool at once
// (GradientRelease) when nothing else can reach them.
internal readonly partial struct BackwardPass
{
    /// <summary>
    /// After a node's gradients reached its children: the buffer it consumed is let go of, then every gradient no
    /// buffer holds any more (that one, the node's results no child kept, the buffers replaced by sums) is given back
    /// if nothing else can reach it (<see cref="GradientRelease"/>).
    /// </summary>
    private void Settle(Tensor? consumed, Tensor?[]? inputGrads)
    {
        if (consumed is not null)
        {
            GradientRelease.Unhold(consumed);
            GradientRelease.ReleaseIfUnheld(consumed);
        }
        if (inputGrads is not null)
        {
            foreach (var g in inputGrads)
            {
                if (g is not null)
                {
                    GradientRelease.ReleaseIfUnheld(g);
                }
            }
        }
        SettleUnheld();
    }

    private void SettleUnheld()
    {
        var unheld = _workspace.Unheld;
        foreach (var g in unheld)
        {
            GradientRelease.ReleaseIfUnheld(g);
        }
        unheld.Clear();
    }

    private static void ExposeBuffers(Node node, NodeState st)
    {
        if (node.OutputCount == 1)
        {
            GradientHandoff.Expose(st.Buffer!);
            return;
        }
        foreach (var g in st.Buffers!)
        {
            if (g is not null)
            {
                GradientHandoff.Expose(g);
            }
        }
    }

    /// <summary>
    /// A node whose input gradient is its output's gradient written into zeros (a slice's backward) adds it straight
    /// into its child's gradient sum, when that sum is empty or owned by the pass, instead of returning a zero tensor of
    /// the whole input for the engine to add: q, k and v sliced from one projection then fill one gradient tensor.
    /// Not while a graph of the derivative is recorded, forward AD is active (tangents would be dropped) or anomalies
    /// are checked (they look at each returned gradient).
    /// </summary>
    private bool TryAccumulateIntoInput(Node node, Tensor grad)
    {
        if (!node.AccumulatesIntoInput || _createGraph || _detectAnomaly || ForwardAD.IsActive || node.Edges.Length != 1
            || node.Edges[0].Node is not { OutputCount: 1 } child || !_workspace.States.TryGetValue(child, out var cs) || !cs.Needed
            || (cs.Buffer is not null && !cs.BufferOwned) || grad.DType is not (DType.Float32 or DType.Float64))
        {
            return false;
        }
        var before = cs.Buffer;
        using (Autograd.SetGradEnabledSynchronously(false))
        {
            cs.Buffer = node.AccumulateIntoInput(grad, cs.Buffer);
        }
        cs.BufferOwned = true;
        if (_release && !ReferenceEquals(before, cs.Buffer))
        {
            HoldInstead(before, cs.Buffer);
        }
        return true;
    }

    /// <summary>Step 4: adds a gradient into the buffer of output <paramref name="outputNr"/> of <paramref name="node"/>.</summary>
    private void AccumulateIntoBuffer(Node node, NodeState st, int outputNr, Tensor g)
    {
        if (node.OutputCount == 1)
        {
            if (st.Buffer is not null && st.BufferOwned && !_createGraph && !ForwardAD.IsActive && g.DType == st.Buffer.DType
                && g.DType is DType.Float32 or DType.Float64)
            {
                // A sum only this pass holds: add in place (PyTorch's InputBuffer does the same for a sole reference).
                st.Buffer.AccumulateRaw(g);
                if (_release)
                {
                    _workspace.Unheld.Add(g); // settled later: g may still be on its way to another child of the same node
                }
                return;
            }
            bool summed = st.Buffer is not null;
            st.Buffer = Combine(st.Buffer, g);
            // a + b is a new tensor that only the buffer holds (outside createGraph, where it carries a graph).
            st.BufferOwned = summed && !_createGraph && !ForwardAD.IsActive;
            return;
        }
        var buffers = st.Buffers ??= new Tensor?[node.OutputCount];
        buffers[outputNr] = Combine(buffers[outputNr], g);
    }

    /// <summary>What a buffer holding <paramref name="existing"/> (or nothing) holds once <paramref name="g"/> arrives.</summary>
    private Tensor Combine(Tensor? existing, Tensor g)
    {
        var combined = existing is null ? g : Sum(existing, g);
        if (_release)
        {
            HoldInstead(existing, combined);
            if (existing is not null)
            {
                _workspace.Unheld.Add(g); // summed in: settled later, as it may still be on its way to another child
            }
        }
        return combined;
    }

    /// <summary>
    /// A buffer now holds <paramref name="replacement"/> instead of <paramref name="existing"/> (or of nothing); the
    /// one let go of is settled after the node, as it may still be on its way to another child of the same node.
    /// </summary>
    private void HoldInstead(Tensor? existing, Tensor replacement)
    {
        GradientRelease.Hold(replacement);
        if (existing is not null)
        {
            GradientRelease.Unhold(existing);
            _workspace.Unheld.Add(existing);
        }
    }

    private Tensor Sum(Tensor a, Tensor b)
    {
        using (Autograd.SetGradEnabledSynchronously(_createGraph))
        {
            return a + b;
        }
    }
}
