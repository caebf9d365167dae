{#- PSA workspace → ERP job: job.externalid = 'KOX-WS-<workspace id>'. -#}
with

workspaces as (

    select * from {{ ref('stg_kantata__workspaces') }}

),

jobs as (

    select * from {{ ref('stg_netsuite__jobs') }}

),

final as (

    select
        workspaces.workspace_id,
        jobs.job_id

    from workspaces
    inner join jobs
        on jobs.external_id = 'KOX-WS-' || workspaces.workspace_id

)

select * from final
