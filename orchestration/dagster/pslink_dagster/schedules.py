"""Jobs and schedules: hourly incremental sync + build, nightly full refresh + build + plan.

A scheduled run selects the tables of every configured system and covers all source partitions
in one run (a partition range): one `pslink sync` syncs the systems in parallel, and the build
starts once they have landed. Dagster records a range run's materializations for each partition
of the range; runs of single partitions (the scale-out path) record only their own.
"""

import dagster as dg

from .sync_assets import SYSTEMS

# Dagster's run tags for a partition range (one run for several partitions).
ALL_SOURCES = {
    "dagster/asset_partition_range_start": SYSTEMS[0],
    "dagster/asset_partition_range_end": SYSTEMS[-1],
}


def build_jobs_and_schedules(tables: dg.AssetSelection, models, write_plan, apply):
    """The hourly, nightly and apply jobs, and their schedules; `tables` are the synced ones."""
    hourly = dg.define_asset_job(
        "hourly_sync_and_build",
        selection=tables | dg.AssetSelection.assets(models),
        description="Incremental sync of every source, then build and test the models.",
    )
    nightly = dg.define_asset_job(
        "nightly_full_refresh",
        selection=tables | dg.AssetSelection.assets(models, write_plan),
        description="Full-refresh sync (delete scans), build and test, then plan write-backs.",
    )
    apply_job = dg.define_asset_job(
        "apply_writebacks",
        selection=dg.AssetSelection.assets(apply),
        description="Write approved items to their targets (inside each target's window).",
    )

    running = dg.DefaultScheduleStatus.RUNNING

    @dg.schedule(
        job=hourly, cron_schedule="0 * * * *", execution_timezone="UTC", default_status=running
    )
    def pslink_hourly_schedule(context: dg.ScheduleEvaluationContext):
        return dg.RunRequest(tags=ALL_SOURCES)

    @dg.schedule(
        job=nightly, cron_schedule="0 2 * * *", execution_timezone="UTC", default_status=running
    )
    def pslink_nightly_schedule(context: dg.ScheduleEvaluationContext):
        return dg.RunRequest(
            tags=ALL_SOURCES,
            run_config={"ops": {"pslink_sync": {"config": {"full_refresh": True}}}},
        )

    # Off until turned on: stewards decide when approved items may go out.
    apply_schedule = dg.ScheduleDefinition(
        job=apply_job,
        cron_schedule="30 22 * * *",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.STOPPED,
    )
    return [hourly, nightly, apply_job], [
        pslink_hourly_schedule,
        pslink_nightly_schedule,
        apply_schedule,
    ]
