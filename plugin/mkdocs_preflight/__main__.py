"""``python -m mkdocs_preflight`` runs the ``preflight`` CLI."""

from .startup import main

if __name__ == "__main__":
    main()
