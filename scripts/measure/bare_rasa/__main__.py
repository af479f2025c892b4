"""``python scripts/measure/bare_rasa``: train when needed, serve the bare Rasa (see __init__)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bare_rasa import main

main()
