{#- R13: a completed billing milestone with no ERP invoice r13_grace_days after it was due. -#}
with

milestones as (

    select * from {{ ref('stg_kantata__stories') }}
    where story_type = 'milestone'
        and state = 'completed'
        and budget_estimate_cents > 0
        and {{ age_days('due_date') }} > {{ var('r13_grace_days') }}

),

erp_invoices as (

    select distinct external_id
    from {{ ref('stg_netsuite__transactions') }}
    where transaction_type = 'CustInvc'
        and external_id like 'KOX-MS-%'

),

workspaces as (

    select * from {{ ref('stg_kantata__workspaces') }}

),

uninvoiced as (

    select
        milestones.story_id,
        milestones.workspace_id,
        milestones.due_date,
        milestones.budget_estimate_amount,
        workspaces.currency

    from milestones
    left join erp_invoices
        on erp_invoices.external_id = 'KOX-MS-' || milestones.story_id
    left join workspaces
        on workspaces.workspace_id = milestones.workspace_id
    where erp_invoices.external_id is null

),

final as (

    select
        'R13' as rule_id,
        'high' as severity,
        'billing' as domain,
        'milestone:kantata:' || story_id as canonical_id,
        {{ json_object([
            "'kantata'", json_object(["'story'", "story_id", "'workspace'", "workspace_id"])
        ]) }} as systems,
        {{ json_object([
            "'workspace_id'", "workspace_id",
            "'due_date'", "cast(due_date as varchar)"
        ]) }} as details,
        case when currency is not null then {{ round2('budget_estimate_amount') }} end as amount_impact,
        currency,
        cast(null as decimal(18, 2)) as hours_impact

    from uninvoiced

)

select * from final
