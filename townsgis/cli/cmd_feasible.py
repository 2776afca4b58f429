"""`townsgis feasible` (to be written)."""
