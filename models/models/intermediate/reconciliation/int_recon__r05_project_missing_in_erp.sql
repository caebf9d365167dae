{#- R05: an active PSA workspace (not archived, status below 400) with no ERP job. -#}
with

workspaces as (

    select * from {{ ref('stg_kantata__workspaces') }}
    where not is_archived
        and status_key < 400

),

workspace_jobs as (

    select * from {{ ref('int_identity__workspace_jobs') }}

),

missing as (

    select workspaces.*
    from workspaces
    left join workspace_jobs
        on workspace_jobs.workspace_id = workspaces.workspace_id
    where workspace_jobs.job_id is null

),

final as (

    select
        'R05' as rule_id,
        'high' as severity,
        'project' as domain,
        'project:kantata:' || workspace_id as canonical_id,
        {{ json_object(["'kantata'", json_object(["'workspace'", "workspace_id"])]) }} as systems,
        {{ json_object(["'title'", "title", "'status'", "status_message"]) }} as details,
        {{ round2('price_amount') }} as amount_impact,
        currency,
        cast(null as decimal(18, 2)) as hours_impact

    from missing

)

select * from final
