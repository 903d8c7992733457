// The orchestrator (issue 4) starts infrastructure and services; until then it only says so.
Console.WriteLine("FaceAspire AppHost: orchestration arrives with issue 4.");
