global using Xunit;
[assembly: CollectionBehavior(DisableTestParallelization = true)] // leak checks measure the whole process
