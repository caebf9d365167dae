{#- Time-and-materials projects: workspaces whose linked job bills T&M (`jobbillingtype = 'TM'`). -#}
with

workspaces as (

    select * from {{ ref('stg_kantata__workspaces') }}

),

workspace_jobs as (

    select * from {{ ref('int_identity__workspace_jobs') }}

),

jobs as (

    select * from {{ ref('stg_netsuite__jobs') }}
    where billing_type = 'TM'

),

final as (

    select
        workspaces.workspace_id,
        workspaces.currency,
        jobs.job_id

    from workspaces
    inner join workspace_jobs
        on workspace_jobs.workspace_id = workspaces.workspace_id
    inner join jobs
        on jobs.job_id = workspace_jobs.job_id

)

select * from final
