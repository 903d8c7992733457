// The classes each start worker processes that use both cores; running them side by side would only make the
// timing-dependent scenarios (SIGKILL mid-flight, racing workers) slower and less controlled.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
