"""The dagster-dbt way, for teams that build `models/` with dbt-core rather than `pslink build`.

`models/` is a dbt project, so `@dbt_assets` can run it with DbtCliResource (`dbt build`, data
tests as asset checks). The translator gives models and sources the same asset keys pslink uses
(`<schema>/<name>`, sources as `src_<system>/<table>`), so the sync assets, the reverse-ETL
assets and the schedules are the same as in `pslink_dagster`:

    dagster dev -m pslink_dagster.dbt_alternative

dbt reads the warehouse from `models/profiles.yml` (target `duckdb` or `postgres`, from
PSLINK_DBT_TARGET); point it at the warehouse of pslink.yml, e.g. PSLINK_DUCKDB_PATH.
"""

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from .launcher import list_assets
from .resource import PslinkResource
from .reverse_etl_assets import build_write_plan, pslink_apply
from .schedules import build_jobs_and_schedules
from .sync_assets import build_sync_assets, configured_tables

MODELS_DIR = Path(
    os.environ.get("PSLINK_MODELS_DIR") or Path(__file__).resolve().parents[3] / "models"
)

# The dbt installed beside this Python (a virtualenv need not be on PATH).
DBT = (
    os.environ.get("PSLINK_DBT_EXECUTABLE")
    or shutil.which("dbt")
    or str(Path(sys.executable).with_name("dbt"))
)

project = DbtProject(
    project_dir=MODELS_DIR,
    profiles_dir=MODELS_DIR,
    target=os.environ.get("PSLINK_DBT_TARGET", "duckdb"),
)
if os.environ.get("DAGSTER_IS_DEV_CLI") or not project.manifest_path.exists():
    # `dbt parse` writes the manifest @dbt_assets reads (again under `dagster dev`, to pick up
    # edits); deployments prepare it ahead with `dagster-dbt project prepare-and-package`.
    dbt_cli = DbtCliResource(project_dir=project, dbt_executable=DBT)
    dbt_cli.cli(["parse", "--quiet"], target_path=project.target_path).wait()


class PslinkDbtTranslator(DagsterDbtTranslator):
    """Names dbt nodes as pslink does: the relation they build or read."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        name = dbt_resource_props.get("alias") or dbt_resource_props["name"]
        if dbt_resource_props["resource_type"] == "source":
            name = dbt_resource_props.get("identifier") or dbt_resource_props["name"]
        return dg.AssetKey([dbt_resource_props["schema"], name])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]


@dbt_assets(
    manifest=project.manifest_path,
    project=project,
    name="pslink_dbt_models",
    dagster_dbt_translator=PslinkDbtTranslator(),
)
def pslink_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()


sync_catalog = list_assets("sync")
pslink_sync = build_sync_assets(sync_catalog)
write_plan = build_write_plan(
    [key for key in pslink_dbt_models.keys if key.path[0] == "proposals"]
)
jobs, schedules = build_jobs_and_schedules(
    configured_tables(sync_catalog), pslink_dbt_models, write_plan, pslink_apply
)

defs = dg.Definitions(
    assets=[pslink_sync, pslink_dbt_models, write_plan, pslink_apply],
    jobs=jobs,
    schedules=schedules,
    resources={
        "pslink": PslinkResource(),
        "dbt": DbtCliResource(project_dir=project, dbt_executable=DBT),
    },
)
