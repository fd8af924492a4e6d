"""Finance: currencies and FX rates, the marketing ledger, period close and CSV exports."""
