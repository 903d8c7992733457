// Commands arrive with the vision engine (analyze, verify, bench, evaluate-emotions).
return 0;
