"""Key-project formulas: the monthly ranking 月评比 and target projections 目标 (pure, no I/O)."""
