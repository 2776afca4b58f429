"""`townsgis progress` (to be written)."""
