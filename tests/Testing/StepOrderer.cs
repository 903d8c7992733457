using Xunit.Abstractions;
using Xunit.Sdk;

namespace FaceAspire.Testing;

/// <summary>Orders a class's tests by <see cref="StepAttribute"/>, for classes whose tests share one system and build on each other.</summary>
public sealed class StepOrderer : ITestCaseOrderer
{
    /// <summary>Assembly-qualified name for <c>[TestCaseOrderer]</c>.</summary>
    public const string Name = "FaceAspire.Testing.StepOrderer";

    /// <summary>Assembly name for <c>[TestCaseOrderer]</c>.</summary>
    public const string Assembly = "FaceAspire.Testing";

    /// <inheritdoc />
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.GetCustomAttributes(typeof(StepAttribute).AssemblyQualifiedName)
            .FirstOrDefault()?.GetConstructorArguments().First() as int? ?? int.MaxValue);
}

/// <summary>Position of a test in its class's sequence.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StepAttribute(int number) : Attribute
{
    /// <summary>Lower runs first.</summary>
    public int Number { get; } = number;
}
