"""``python -m alumni_graph.demo OUT_DIR [--seed N] [--schools N] [--today YYYY-MM-DD]``."""
import sys

from alumni_graph.demo import main

sys.exit(main())
