{#- Projects: one per Kantata workspace (where delivery happens), with its NetSuite job and CRM
    opportunity where linked; NetSuite jobs no workspace links to are projects of their own. -#}
with

workspaces as (

    select * from {{ ref('stg_kantata__workspaces') }}

),

jobs as (

    select * from {{ ref('stg_netsuite__jobs') }}

),

workspace_jobs as (

    select * from {{ ref('int_identity__workspace_jobs') }}

),

workspace_opportunities as (

    select workspace_id, min(opportunity_id) as opportunity_id
    from {{ ref('int_identity__workspace_opportunities') }}
    group by workspace_id

),

client_groups as (

    select workspace_id, workspace_group_id
    from {{ ref('int_identity__workspace_customers') }}

),

customers as (

    select * from {{ ref('customer') }}

),

psa_projects as (

    select
        'project:kantata:' || workspaces.workspace_id as project_id,
        workspaces.workspace_id as kantata_workspace_id,
        jobs.job_id as netsuite_job_id,
        workspace_opportunities.opportunity_id as salesforce_opportunity_id,
        coalesce(erp_customer.customer_id, psa_customer.customer_id) as customer_id,
        case when jobs.subsidiary_id is not null then 'legal_entity:netsuite:' || jobs.subsidiary_id end as legal_entity_id,
        workspaces.title as project_name,
        workspaces.status_key,
        workspaces.status_message as status,
        not workspaces.is_archived and workspaces.status_key < 400 as is_active,
        jobs.billing_type,
        workspaces.currency,
        workspaces.price_amount as budget_amount,
        jobs.projected_total_value as erp_budget_amount,
        workspaces.start_date,
        workspaces.due_date

    from workspaces
    left join workspace_jobs
        on workspace_jobs.workspace_id = workspaces.workspace_id
    left join jobs
        on jobs.job_id = workspace_jobs.job_id
    left join workspace_opportunities
        on workspace_opportunities.workspace_id = workspaces.workspace_id
    left join client_groups
        on client_groups.workspace_id = workspaces.workspace_id
    left join customers as erp_customer
        on erp_customer.netsuite_customer_id = jobs.parent_customer_id
    left join customers as psa_customer
        on psa_customer.customer_id = 'customer:kantata:' || client_groups.workspace_group_id

),

erp_only as (

    select
        'project:netsuite:' || jobs.job_id as project_id,
        cast(null as varchar) as kantata_workspace_id,
        jobs.job_id as netsuite_job_id,
        cast(null as varchar) as salesforce_opportunity_id,
        erp_customer.customer_id,
        'legal_entity:netsuite:' || jobs.subsidiary_id as legal_entity_id,
        jobs.company_name as project_name,
        cast(null as integer) as status_key,
        jobs.entity_status as status,
        jobs.entity_status <> '1' as is_active,
        jobs.billing_type,
        jobs.currency,
        jobs.projected_total_value as budget_amount,
        jobs.projected_total_value as erp_budget_amount,
        jobs.start_date,
        jobs.projected_end_date as due_date

    from jobs
    left join workspace_jobs
        on workspace_jobs.job_id = jobs.job_id
    left join customers as erp_customer
        on erp_customer.netsuite_customer_id = jobs.parent_customer_id
    where workspace_jobs.job_id is null

),

final as (

    select * from psa_projects
    union all
    select * from erp_only

)

select * from final
