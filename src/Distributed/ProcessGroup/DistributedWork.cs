using MiniTorch.Distributed.Native;

namespace MiniTorch.Distributed;

/// <summary>
/// A collective started without waiting (PyTorch's <c>Work</c> from <c>async_op=True</c>): <see cref="Wait"/> blocks
/// until it has finished and its result is in the tensor. Waiting again does nothing.
/// </summary>
public sealed class DistributedWork
{
    internal static readonly DistributedWork Completed = new(IntPtr.Zero, null);

    private IntPtr _request;
    private Action? _onComplete;
    private bool _done;

    internal DistributedWork(IntPtr request, Action? onComplete)
    {
        _request = request;
        _onComplete = onComplete;
        _done = request == IntPtr.Zero;
        if (_done)
        {
            onComplete?.Invoke();
        }
    }

    /// <summary>Whether the collective has finished (<c>work.is_completed()</c>); asks MPI, which also lets it progress.</summary>
    public unsafe bool IsCompleted
    {
        get
        {
            if (_done)
            {
                return true;
            }
            int flag;
            IntPtr request = _request;
            MpiLibrary.Check(MpiNative.Test(&request, &flag, null), "DistributedWork.IsCompleted (MPI_Test)");
            _request = request;
            if (flag != 0)
            {
                Complete();
            }
            return _done;
        }
    }

    /// <summary>Blocks until the collective has finished and its result is in place (<c>work.wait()</c>).</summary>
    public unsafe void Wait()
    {
        if (_done)
        {
            return;
        }
        IntPtr request = _request;
        MpiLibrary.Check(MpiNative.Wait(&request, null), "DistributedWork.Wait (MPI_Wait)");
        _request = request;
        Complete();
    }

    private void Complete()
    {
        _done = true;
        var onComplete = _onComplete;
        _onComplete = null;
        onComplete?.Invoke();
    }
}
