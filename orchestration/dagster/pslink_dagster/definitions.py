"""pslink's Dagster definitions: sync (partitioned by source system), models, reverse-ETL.

The asset catalog comes from pslink itself (`pslink sync|build --list-assets`), so it follows
the streams pslink declares and the models in `models/`; loading needs PSLINK_CONFIG (and
PSLINK_COMMAND when pslink is not on PATH).
"""

import dagster as dg

from .launcher import list_assets
from .model_assets import build_model_assets
from .resource import PslinkResource
from .reverse_etl_assets import build_write_plan, pslink_apply
from .schedules import build_jobs_and_schedules
from .sync_assets import build_sync_assets, configured_tables

sync_catalog = list_assets("sync")
model_catalog = list_assets("build")

pslink_sync = build_sync_assets(sync_catalog)
pslink_models = build_model_assets(model_catalog)
write_plan = build_write_plan(
    [dg.AssetKey(asset["asset_key"]) for asset in model_catalog if asset["group"] == "proposals"]
)
jobs, schedules = build_jobs_and_schedules(
    configured_tables(sync_catalog), pslink_models, write_plan, pslink_apply
)

defs = dg.Definitions(
    assets=[pslink_sync, pslink_models, write_plan, pslink_apply],
    jobs=jobs,
    schedules=schedules,
    resources={"pslink": PslinkResource()},
)
