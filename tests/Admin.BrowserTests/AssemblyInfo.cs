// The browser classes each start services and a Chromium; on 2 cores they must not run side by side.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
