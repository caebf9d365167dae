"""pslink's Dagster code location: `dagster dev -m pslink_dagster` (see docs/dagster.md)."""

from .definitions import defs

__all__ = ["defs"]
