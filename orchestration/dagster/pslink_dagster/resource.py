"""The `pslink` resource: runs a pslink command as a Dagster Pipes subprocess."""

from typing import Any

import dagster as dg

from .launcher import config_path, pslink_argv


class PslinkResource(dg.ConfigurableResource):
    """Launches pslink with `--pipes` through PipesSubprocessClient, so pslink reports its
    materializations, asset checks and logs to the step, and its error when it fails."""

    config: str = ""
    """pslink.yml to use; empty means the PSLINK_CONFIG environment variable."""
    freshness_max_lag_seconds: int = 7200
    """The `freshness` check fails once a stream's cursor is further behind now than this."""
    max_open_exceptions: dict[str, int] = {}
    """Open exceptions allowed per rule id (`R11`) or severity (`high`); pslink's default is
    `{"high": 0}`, and entries here are added to it."""

    def run(
        self,
        context: dg.AssetExecutionContext,
        args: list[str],
        extras: dict[str, Any] | None = None,
    ) -> dg.PipesClientCompletedInvocation:
        """Runs `pslink <args> --pipes`; a non-zero exit fails the step with pslink's error."""
        path = self.config or config_path()
        client = dg.PipesSubprocessClient(env={"PSLINK_CONFIG": path})
        context.log.info(f"pslink {' '.join(args)} (config {path})")
        return client.run(
            context=context,
            command=[*pslink_argv(), *args, "--pipes"],
            extras={
                "freshness_max_lag_seconds": self.freshness_max_lag_seconds,
                "max_open_exceptions": dict(self.max_open_exceptions),
                **(extras or {}),
            },
        )
