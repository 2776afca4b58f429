"""`townsgis capacity` (to be written)."""
