"""``python -m salescore``."""

import sys

from salescore.cli import main

sys.exit(main())
