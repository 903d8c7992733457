namespace FaceAspire.Core;
/// <summary>Marker for the Core assembly (contracts and data arrive with the pipeline issue).</summary>
public static class CoreAssembly { }
