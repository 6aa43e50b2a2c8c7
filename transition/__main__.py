"""`python -m transition` runs the command line."""

from transition.startup import main

main()
