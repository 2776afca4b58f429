"""`townsgis site` (to be written)."""
