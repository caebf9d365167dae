{#- Won, live opportunities with the workspace that delivers each (if any) and its job (R07, R14). -#}
with

opportunities as (

    select * from {{ ref('stg_salesforce__opportunities') }}
    where is_won
        and not is_deleted

),

workspace_opportunities as (

    select opportunity_id, max(workspace_id) as workspace_id
    from {{ ref('int_identity__workspace_opportunities') }}
    group by opportunity_id

),

workspaces as (

    select * from {{ ref('stg_kantata__workspaces') }}

),

workspace_jobs as (

    select * from {{ ref('int_identity__workspace_jobs') }}

),

jobs as (

    select * from {{ ref('stg_netsuite__jobs') }}

),

final as (

    select
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.close_date,
        opportunities.amount,
        opportunities.currency,
        {{ age_days('opportunities.close_date') }} as age_days,
        workspaces.workspace_id,
        workspaces.price_amount,
        jobs.job_id,
        jobs.projected_total_value

    from opportunities
    left join workspace_opportunities
        on workspace_opportunities.opportunity_id = opportunities.opportunity_id
    left join workspaces
        on workspaces.workspace_id = workspace_opportunities.workspace_id
    left join workspace_jobs
        on workspace_jobs.workspace_id = workspaces.workspace_id
    left join jobs
        on jobs.job_id = workspace_jobs.job_id

)

select * from final
