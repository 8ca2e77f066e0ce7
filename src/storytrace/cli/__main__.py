"""``python -m storytrace.cli``: the same command line as the ``storytrace`` console script."""

from storytrace.cli import main

if __name__ == "__main__":
    main()
