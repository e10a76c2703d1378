"""`python -m openwatt` is the `openwatt` command."""

from .cli.main import main

raise SystemExit(main())
