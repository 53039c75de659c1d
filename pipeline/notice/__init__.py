"""The notice stage: the outline of blocks, titles, overdue measures and what changed between two ledgers."""
