// The whole system uses both cores; nothing else runs beside it.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
