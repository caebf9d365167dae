{#- Customers: one per NetSuite customer (owner of the customer master), with its CRM account and
    PSA client group where a deterministic link exists; CRM accounts and PSA client groups that
    no customer links to are customers of their own (see identity_map for proposed matches). -#}
with

customers as (

    select * from {{ ref('stg_netsuite__customers') }}

),

accounts as (

    select * from {{ ref('stg_salesforce__accounts') }}

),

groups as (

    select * from {{ ref('stg_kantata__workspace_groups') }}
    where is_company

),

customer_accounts as (

    select * from {{ ref('int_identity__customer_accounts') }}

),

group_customers as (

    select customer_id, min(workspace_group_id) as workspace_group_id
    from {{ ref('int_identity__client_group_customers') }}
    group by customer_id

),

erp_customers as (

    select
        'customer:netsuite:' || customers.customer_id as customer_id,
        customers.customer_id as netsuite_customer_id,
        customer_accounts.account_id as salesforce_account_id,
        group_customers.workspace_group_id as kantata_workspace_group_id,
        customers.company_name as customer_name,
        customers.currency,
        'legal_entity:netsuite:' || customers.subsidiary_id as legal_entity_id,
        accounts.billing_country,
        customers.is_inactive

    from customers
    left join customer_accounts
        on customer_accounts.customer_id = customers.customer_id
    left join accounts
        on accounts.account_id = customer_accounts.account_id
    left join group_customers
        on group_customers.customer_id = customers.customer_id

),

crm_only as (

    select
        'customer:salesforce:' || accounts.account_id as customer_id,
        cast(null as varchar) as netsuite_customer_id,
        accounts.account_id as salesforce_account_id,
        cast(null as varchar) as kantata_workspace_group_id,
        accounts.account_name as customer_name,
        accounts.currency,
        cast(null as varchar) as legal_entity_id,
        accounts.billing_country,
        false as is_inactive

    from accounts
    left join customer_accounts
        on customer_accounts.account_id = accounts.account_id
    where customer_accounts.account_id is null

),

psa_only as (

    select
        'customer:kantata:' || groups.workspace_group_id as customer_id,
        cast(null as varchar) as netsuite_customer_id,
        cast(null as varchar) as salesforce_account_id,
        groups.workspace_group_id as kantata_workspace_group_id,
        groups.group_name as customer_name,
        cast(null as varchar) as currency,
        cast(null as varchar) as legal_entity_id,
        cast(null as varchar) as billing_country,
        false as is_inactive

    from groups
    left join {{ ref('int_identity__client_group_customers') }} as linked
        on linked.workspace_group_id = groups.workspace_group_id
    where linked.workspace_group_id is null

),

final as (

    select * from erp_customers
    union all
    select * from crm_only
    union all
    select * from psa_only

)

select * from final
