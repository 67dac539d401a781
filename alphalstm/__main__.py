"""``python -m alphalstm``: see :mod:`alphalstm.cli`."""

from .cli import main

raise SystemExit(main())
