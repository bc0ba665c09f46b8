"""``python -m malisim.cli``: the same as the ``malisim`` command."""

import sys

from malisim.cli.main import main

sys.exit(main())
