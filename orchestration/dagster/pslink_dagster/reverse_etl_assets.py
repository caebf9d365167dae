"""Governed reverse-ETL: the write plan (`pslink plan`) and what `pslink apply` wrote.

Stewards approve plan items between the two (`pslink approve`), and pslink applies only
approved items inside each target's window, so running apply on a schedule is safe.
"""

import dagster as dg

from .resource import PslinkResource

WRITE_PLAN = dg.AssetKey(["reverse_etl", "write_plan"])
TARGETS = ["netsuite", "kantata", "salesforce"]


def build_write_plan(proposals: list[dg.AssetKey]) -> dg.AssetsDefinition:
    """`pslink plan`: diffs the proposal models against the targets and stores a plan."""

    @dg.asset(key=WRITE_PLAN, deps=proposals, group_name="reverse_etl", kinds={"pslink"})
    def write_plan(context: dg.AssetExecutionContext, pslink: PslinkResource):
        return pslink.run(context, ["plan"]).get_materialize_result()

    return write_plan


class ApplyConfig(dg.Config):
    plan_id: str | None = None
    """Only this plan's approved items (default: every approved item)."""


@dg.multi_asset(
    name="pslink_apply",
    specs=[
        dg.AssetSpec(
            ["reverse_etl", target],
            deps=[WRITE_PLAN],
            group_name="reverse_etl",
            kinds={"pslink", target},
            description=f"Approved write-backs applied to {target}",
        )
        for target in TARGETS
    ],
    can_subset=False,
)
def pslink_apply(
    context: dg.AssetExecutionContext, config: ApplyConfig, pslink: PslinkResource
):
    """One materialization per target system, with zero rows when nothing was approved for it."""
    args = ["apply", *(["--plan", config.plan_id] if config.plan_id else [])]
    yield from pslink.run(context, args).get_results(implicit_materializations=False)
