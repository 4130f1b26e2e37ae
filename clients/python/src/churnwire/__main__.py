"""``python -m churnwire``: the same CLI as the ``churnwire`` command."""

from churnwire.cli import main

raise SystemExit(main())
