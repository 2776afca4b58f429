"""`townsgis export` (to be written)."""
