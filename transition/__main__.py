"""`python -m transition` runs the command line."""

from transition.cli.startup import main

main()
