"""`townsgis import` (to be written)."""
