"""The demo workspace: a deterministic, realistic set of accounts, campaigns, influencers, programs, budgets and
FX rates generated relative to today (`demo.workspace.load_demo`)."""
