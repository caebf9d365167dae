{#- The crosswalk: one row per (canonical id, system record). Deterministic links come from keys
    the systems carry (NetSuite externalid, Kantata external references, Workday Employee_ID,
    e-mail). Normalised-name matches of records no key links are only *proposed*
    (match_method = 'name_proposed', needs_steward = true); rules never use them. -#}
with

customers as (

    select * from {{ ref('customer') }}

),

projects as (

    select * from {{ ref('project') }}

),

workers as (

    select * from {{ ref('worker') }}

),

worker_keys as (

    select * from {{ ref('int_identity__worker_keys') }}

),

time_entries as (

    select * from {{ ref('time_entry') }}

),

postings as (

    select * from {{ ref('int_identity__time_entry_postings') }}

),

invoices as (

    select * from {{ ref('invoice') }}

),

customer_links as (

    select customer_id as canonical_id, 'customer' as entity_type, 'netsuite' as source_system, 'customer' as system_object,
        netsuite_customer_id as system_id, 'system_of_record' as match_method
    from customers where netsuite_customer_id is not null
    union all
    select customer_id, 'customer', 'salesforce', 'Account', salesforce_account_id,
        case when netsuite_customer_id is not null then 'external_id' else 'unmatched' end
    from customers where salesforce_account_id is not null
    union all
    -- Every client group an external reference links to an ERP customer, each under that
    -- customer: a legacy duplicate group as well, and a group of a client signed by several legal
    -- entities under each of their customers.
    select customers.customer_id, 'customer', 'kantata', 'workspace_group', links.workspace_group_id,
        'external_reference'
    from {{ ref('int_identity__client_group_customers') }} as links
    inner join customers
        on customers.netsuite_customer_id = links.customer_id
    union all
    select customer_id, 'customer', 'kantata', 'workspace_group', kantata_workspace_group_id, 'unmatched'
    from customers where netsuite_customer_id is null and kantata_workspace_group_id is not null

),

-- Customers standing alone (CRM or PSA only) whose normalised name equals an ERP customer's.
customer_proposals as (

    select
        erp.customer_id as canonical_id,
        'customer' as entity_type,
        case when lone.salesforce_account_id is not null then 'salesforce' else 'kantata' end as source_system,
        case when lone.salesforce_account_id is not null then 'Account' else 'workspace_group' end as system_object,
        coalesce(lone.salesforce_account_id, lone.kantata_workspace_group_id) as system_id,
        'name_proposed' as match_method

    from customers as lone
    inner join customers as erp
        on erp.netsuite_customer_id is not null
        and {{ normalise_name('erp.customer_name') }} = {{ normalise_name('lone.customer_name') }}
    where lone.netsuite_customer_id is null

),

project_links as (

    select project_id as canonical_id, 'project' as entity_type, 'kantata' as source_system, 'workspace' as system_object,
        kantata_workspace_id as system_id, 'system_of_record' as match_method
    from projects where kantata_workspace_id is not null
    union all
    select project_id, 'project', 'netsuite', 'job', netsuite_job_id,
        case when kantata_workspace_id is not null then 'external_id' else 'unmatched' end
    from projects where netsuite_job_id is not null
    union all
    select project_id, 'project', 'salesforce', 'Opportunity', salesforce_opportunity_id, 'external_reference'
    from projects where salesforce_opportunity_id is not null

),

worker_links as (

    select worker_id as canonical_id, 'worker' as entity_type, 'workday' as source_system, 'worker' as system_object,
        workday_employee_id as system_id, 'system_of_record' as match_method
    from workers where workday_employee_id is not null
    union all
    select worker_id, 'worker', source_system, case when source_system = 'kantata' then 'user' else 'employee' end,
        source_id, match_method
    from worker_keys

),

-- PSA users no key links to a worker, whose normalised name equals a worker's.
worker_proposals as (

    select
        hris.worker_id as canonical_id,
        'worker' as entity_type,
        'kantata' as source_system,
        'user' as system_object,
        lone.kantata_user_id as system_id,
        'name_proposed' as match_method

    from workers as lone
    inner join workers as hris
        on hris.workday_employee_id is not null
        and {{ normalise_name('hris.worker_name') }} = {{ normalise_name('lone.worker_name') }}
    where lone.workday_employee_id is null
        and lone.kantata_user_id is not null

),

time_links as (

    select time_entry_id as canonical_id, 'time_entry' as entity_type, 'kantata' as source_system, 'time_entry' as system_object,
        kantata_time_entry_id as system_id, 'system_of_record' as match_method
    from time_entries where kantata_time_entry_id is not null
    union all
    select 'time_entry:kantata:' || time_entry_id, 'time_entry', 'netsuite', 'timebill', timebill_id, 'external_id'
    from postings
    where time_entry_id in (select kantata_time_entry_id from time_entries)
    union all
    select time_entry_id, 'time_entry', 'netsuite', 'timebill', netsuite_timebill_id, 'unmatched'
    from time_entries where kantata_time_entry_id is null

),

invoice_links as (

    select invoice_id as canonical_id, 'invoice' as entity_type, 'kantata' as source_system, 'invoice' as system_object,
        kantata_invoice_id as system_id, 'system_of_record' as match_method
    from invoices where kantata_invoice_id is not null
    union all
    select invoice_id, 'invoice', 'netsuite', 'transaction', netsuite_transaction_id,
        case when kantata_invoice_id is not null then 'external_id' else 'unmatched' end
    from invoices where netsuite_transaction_id is not null

),

links as (

    select * from customer_links
    union all select * from customer_proposals
    union all select * from project_links
    union all select * from worker_links
    union all select * from worker_proposals
    union all select * from time_links
    union all select * from invoice_links

),

final as (

    select
        canonical_id,
        entity_type,
        source_system,
        system_object,
        system_id,
        match_method,
        match_method = 'name_proposed' as needs_steward

    from links

)

select * from final
