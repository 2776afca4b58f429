"""`townsgis map` (to be written)."""
