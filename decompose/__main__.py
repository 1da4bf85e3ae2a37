"""``python -m decompose``: the console script's entry."""

from decompose.launch import main

main()
