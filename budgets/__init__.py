"""Budgets: plans and scopes, proration, pacing, alerts, budget changes and approvals, the overview."""
