"""Paid ads: Meta accounts, campaigns, ad sets, daily insights, sync, imports, budgets and pacing."""
