// Every class starts an Api and worker processes that use both cores; side by side they would only slow each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
