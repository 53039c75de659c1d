"""`python -m pipeline` runs the same CLI as the `rectify` console script."""

from pipeline.cli import main

if __name__ == "__main__":
    main()
