"""`python -m townsgis` runs the CLI."""

from townsgis.cli import main

main()
