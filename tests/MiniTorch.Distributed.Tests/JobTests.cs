namespace MiniTorch.Distributed.Tests;

/// <summary>The 2- and 3-rank jobs, each started once and shared by the tests that read their output.</summary>
public sealed class Jobs
{
    private static readonly Lazy<JobResult> s_two = new(() => MpiJob.Run(2, TimeSpan.FromSeconds(150), "collectives", "dtypes", "ddp"));
    private static readonly Lazy<JobResult> s_three = new(() => MpiJob.Run(3, TimeSpan.FromSeconds(210), "collectives", "dtypes", "ddp"));

    public static JobResult OnRanks(int ranks) => ranks == 2 ? s_two.Value : s_three.Value;
}

/// <summary>MPI jobs run one at a time: the machine has two cores.</summary>
[CollectionDefinition("mpi", DisableParallelization = true)]
public sealed class MpiCollection;

[Collection("mpi")]
public sealed class CollectiveTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_op_and_dtype_from_1_to_a_million_elements_matches_the_locally_computed_reduction(int ranks)
        => Jobs.OnRanks(ranks).AssertPassed(ranks, "collectives.identity", "collectives.allreduce", "collectives.allreduce-async");

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Non_contiguous_tensors_are_reduced_and_broadcast_through_their_strides(int ranks)
        => Jobs.OnRanks(ranks).AssertPassed(ranks, "collectives.allreduce-noncontiguous", "collectives.broadcast");

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void AllGather_ReduceScatter_Barrier_and_errors(int ranks)
        => Jobs.OnRanks(ranks).AssertPassed(ranks, "collectives.allgather", "collectives.reducescatter", "collectives.barrier", "collectives.errors");
}

[Collection("mpi")]
public sealed class DTypeCollectiveTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Int64_Int32_and_UInt8_reduce_exactly_in_their_own_dtype_and_Bool_reduces_as_or_and_and(int ranks)
        => Jobs.OnRanks(ranks).AssertPassed(ranks, "dtypes.allreduce-integers", "dtypes.allreduce-bool", "dtypes.reducescatter");

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_dtype_is_broadcast_and_gathered_bit_for_bit(int ranks)
        => Jobs.OnRanks(ranks).AssertPassed(ranks, "dtypes.broadcast-allgather");

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Avg_of_integers_and_reductions_of_half_types_are_refused_alike_on_every_rank(int ranks)
        => Jobs.OnRanks(ranks).AssertPassed(ranks, "dtypes.errors");

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void DDP_gives_every_rank_rank_0s_Int64_num_batches_tracked_and_refuses_float16_gradients(int ranks)
        => Jobs.OnRanks(ranks).AssertPassed(ranks, "dtypes.ddp-batchnorm-count", "dtypes.ddp-float16-parameters");
}

[Collection("mpi")]
public sealed class DistributedDataParallelTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Twenty_steps_equal_one_process_on_the_global_batch_in_float64_and_float32(int ranks)
        => Jobs.OnRanks(ranks).AssertPassed(ranks, "ddp.equivalence-f64", "ddp.equivalence-f32");

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void The_first_bucket_is_reduced_before_backward_reaches_the_first_layer(int ranks)
        => Jobs.OnRanks(ranks).AssertPassed(ranks, "ddp.overlap");

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Frozen_parameters_stay_bit_identical_and_NoSync_accumulation_equals_one_large_batch(int ranks)
        => Jobs.OnRanks(ranks).AssertPassed(ranks, "ddp.frozen", "ddp.nosync");

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Unused_parameters_are_an_error_naming_them_unless_findUnusedParameters(int ranks)
        => Jobs.OnRanks(ranks).AssertPassed(ranks, "ddp.unused", "ddp.find-unused");

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Buffers_come_from_rank_0_at_every_forward_and_checkpoints_round_trip(int ranks)
        => Jobs.OnRanks(ranks).AssertPassed(ranks, "ddp.buffers", "ddp.checkpoint");

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Different_models_give_the_same_naming_error_on_every_rank_within_seconds(int ranks)
        => Jobs.OnRanks(ranks).AssertPassed(ranks, "ddp.mismatch");
}

[Collection("mpi")]
public sealed class FaultTests
{
    [Theory]
    [InlineData("fault.throw", "aborting the MPI job")]
    [InlineData("fault.kill", "rank 1 fails")]
    public void A_rank_that_fails_mid_training_ends_the_whole_job_with_a_non_zero_exit(string scenario, string expected)
    {
        var job = MpiJob.Run(2, TimeSpan.FromSeconds(60), scenario);
        Assert.True(job.ExitCode != 0, $"the job exited with 0:\n{job.Output}");
        Assert.Contains(expected, job.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("PASS", job.Output, StringComparison.Ordinal);
        Thread.Sleep(500); // mpirun has exited; give the kernel a moment to reap what it killed
        var left = MpiJob.Leftovers(job.Token);
        Assert.True(left.Count == 0, $"processes left behind:\n{string.Join('\n', left)}");
    }
}

[Collection("mpi")]
public sealed class SingleProcessTests
{
    [Fact]
    public void Without_mpirun_the_world_has_one_rank_loads_no_MPI_and_DDP_is_plain_training()
    {
        var job = MpiJob.RunAlone(TimeSpan.FromSeconds(60), null, "single");
        job.AssertPassed(1, "single.world-of-one", "single.ddp");
    }

    [Fact]
    public void Several_ranks_without_an_MPI_library_is_an_error_that_says_how_to_install_it()
    {
        var job = MpiJob.RunAlone(TimeSpan.FromSeconds(60), new Dictionary<string, string>
        {
            ["OMPI_COMM_WORLD_SIZE"] = "2",
            ["OMPI_COMM_WORLD_RANK"] = "0",
            ["MINITORCH_MPI_LIBRARY"] = "/nonexistent/libmpi.so.40",
        }, "single");
        Assert.NotEqual(0, job.ExitCode);
        Assert.Contains("asks for 2 ranks, but Open MPI's library '/nonexistent/libmpi.so.40' could not be loaded", job.Output, StringComparison.Ordinal);
        Assert.Contains("apt-get install -y openmpi-bin libopenmpi-dev", job.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void WORLD_SIZE_above_one_without_mpirun_is_an_error_that_names_the_launcher()
    {
        var job = MpiJob.RunAlone(TimeSpan.FromSeconds(60), new Dictionary<string, string> { ["WORLD_SIZE"] = "4" }, "single");
        Assert.NotEqual(0, job.ExitCode);
        Assert.Contains("WORLD_SIZE=4 asks for 4 ranks, but this process was not started by Open MPI's mpirun", job.Output, StringComparison.Ordinal);
        Assert.Contains("mpirun -np N", job.Output, StringComparison.Ordinal);
    }
}
