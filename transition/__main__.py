"""`python -m transition` runs the command line."""

from transition.cli import main

main()
