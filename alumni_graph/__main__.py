"""``python -m alumni_graph`` runs the ``alumni-graph`` command."""
from alumni_graph.cli import main

if __name__ == "__main__":
    main()
