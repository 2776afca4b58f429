"""`townsgis check` (to be written)."""
