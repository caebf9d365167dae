"""How the code location finds and runs pslink.

pslink is a Node.js CLI. `PSLINK_COMMAND` names it (`pslink`, `node /opt/pslink/bin/pslink.js`);
without it, `pslink` on PATH is used, else the `bin/pslink.js` of the pslink checkout this package
sits in. `PSLINK_CONFIG` is the pslink.yml every command reads (warehouse, sources, governance).
"""

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

REPO_BIN = Path(__file__).resolve().parents[3] / "bin" / "pslink.js"


def pslink_argv() -> list[str]:
    """The command line that starts pslink, before its arguments."""
    configured = os.environ.get("PSLINK_COMMAND", "").strip()
    if configured:
        return shlex.split(configured)
    on_path = shutil.which("pslink")
    if on_path:
        return [on_path]
    if REPO_BIN.exists():
        return [os.environ.get("PSLINK_NODE") or shutil.which("node") or "node", str(REPO_BIN)]
    raise RuntimeError(
        "pslink was not found: install it (npm install -g pslink) or set PSLINK_COMMAND, "
        "e.g. PSLINK_COMMAND='node /path/to/pslink/bin/pslink.js'"
    )


def config_path() -> str:
    """The pslink.yml the code location works with (PSLINK_CONFIG)."""
    path = os.environ.get("PSLINK_CONFIG", "").strip()
    if not path:
        raise RuntimeError(
            "PSLINK_CONFIG is not set: point it at your pslink.yml (its warehouse and sources "
            "decide what the assets are and where they land)"
        )
    return path


def list_assets(command: str) -> list[dict]:
    """The assets `pslink <command>` writes, with their checks, from `--list-assets`.

    Asset keys and check names are defined once, in pslink; the code location only reads them.
    """
    argv = [*pslink_argv(), "--config", config_path(), command, "--list-assets"]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"`{shlex.join(argv)}` failed with code {done.returncode}:\n{done.stderr.strip()}"
        )
    return json.loads(done.stdout)["assets"]
