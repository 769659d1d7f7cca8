"""``python -m mkdocs_preflight`` runs the ``preflight`` CLI."""

from .cli import main

if __name__ == "__main__":
    main()
