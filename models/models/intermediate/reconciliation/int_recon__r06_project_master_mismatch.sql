{#- R06: a linked workspace and job disagree on customer, currency, status or budget. The customer
    is only compared when the workspace's client group links to an ERP customer (else R08), and
    agrees when the job's customer is any of the customers the group links to (a client signed by
    several legal entities has a customer in each subsidiary). -#}
with

workspaces as (

    select * from {{ ref('stg_kantata__workspaces') }}

),

workspace_jobs as (

    select * from {{ ref('int_identity__workspace_jobs') }}

),

jobs as (

    select * from {{ ref('stg_netsuite__jobs') }}

),

workspace_customers as (

    select * from {{ ref('int_identity__workspace_customers') }}

),

pairs as (

    select
        workspaces.workspace_id,
        workspaces.currency,
        jobs.job_id,
        workspace_customers.linked_customers > 0
            and job_customer_links.customer_id is null as is_customer_mismatch,
        jobs.currency is distinct from workspaces.currency as is_currency_mismatch,
        case workspaces.status_key
            when 200 then '3'
            when 310 then '2'
            when 330 then '4'
            when 410 then '1'
            when 420 then '1'
        end is distinct from jobs.entity_status as is_status_mismatch,
        cast(workspaces.price_cents as float8) / 100 - cast(jobs.projected_total_value as float8) as budget_gap

    from workspace_jobs
    inner join workspaces
        on workspaces.workspace_id = workspace_jobs.workspace_id
    inner join jobs
        on jobs.job_id = workspace_jobs.job_id
    left join workspace_customers
        on workspace_customers.workspace_id = workspaces.workspace_id
    left join {{ ref('int_identity__client_group_customers') }} as job_customer_links
        on job_customer_links.workspace_group_id = workspace_customers.workspace_group_id
        and job_customer_links.customer_id = jobs.parent_customer_id

),

compared as (

    select
        *,
        coalesce(abs(budget_gap) > {{ var('r06_budget_tolerance') }}, false) as is_budget_mismatch

    from pairs

),

final as (

    select
        'R06' as rule_id,
        'medium' as severity,
        'project' as domain,
        'project:kantata:' || workspace_id as canonical_id,
        {{ json_object([
            "'kantata'", json_object(["'workspace'", "workspace_id"]),
            "'netsuite'", json_object(["'job'", "job_id"])
        ]) }} as systems,
        {{ json_object([
            "'mismatched_fields'", json_compact_array([
                "case when is_customer_mismatch then 'customer' end",
                "case when is_currency_mismatch then 'currency' end",
                "case when is_status_mismatch then 'status' end",
                "case when is_budget_mismatch then 'budget' end"
            ]),
            "'job_id'", "job_id"
        ]) }} as details,
        case when is_budget_mismatch then {{ round2('budget_gap') }} end as amount_impact,
        case when is_budget_mismatch then currency end as currency,
        cast(null as decimal(18, 2)) as hours_impact

    from compared
    where is_customer_mismatch
        or is_currency_mismatch
        or is_status_mismatch
        or is_budget_mismatch

)

select * from final
