{#- R08: an ERP customer whose CRM account is missing or disagrees (name, currency, legal entity),
    or whose PSA client group's name differs (unless the group's "ERP customer name" custom field,
    where R08 write-backs put the ERP name, holds it); and a PSA client group with no ERP customer.
    A customer linked by several client groups disagrees when any of them does; the exception
    names the first that does in id order (the first group when none does). -#}
with

customers as (

    select * from {{ ref('stg_netsuite__customers') }}

),

accounts as (

    select * from {{ ref('stg_salesforce__accounts') }}

),

groups as (

    select * from {{ ref('stg_kantata__workspace_groups') }}

),

group_erp_names as (

    select * from {{ ref('int_identity__client_group_erp_names') }}

),

-- Each customer's client groups, the one the exception names first: a group whose name
-- differs from the ERP name, then the lowest id (shorter ids first: numeric order as text).
customer_groups as (

    select
        links.customer_id,
        links.workspace_group_id,
        groups.group_name,
        group_erp_names.erp_customer_name as group_erp_customer_name,
        coalesce(
            {{ normalise_name('groups.group_name') }} <> {{ normalise_name('customers.company_name') }}
            and {{ normalise_name('group_erp_names.erp_customer_name') }}
                is distinct from {{ normalise_name('customers.company_name') }},
            false
        ) as is_psa_name_mismatch

    from {{ ref('int_identity__client_group_customers') }} as links
    left join customers
        on customers.customer_id = links.customer_id
    left join groups
        on groups.workspace_group_id = links.workspace_group_id
    left join group_erp_names
        on group_erp_names.workspace_group_id = links.workspace_group_id

),

group_customers as (

    select * from (
        select
            *,
            row_number() over (
                partition by customer_id
                order by is_psa_name_mismatch desc, length(workspace_group_id), workspace_group_id
            ) as group_rank
        from customer_groups
    ) ranked
    where group_rank = 1

),

linked_groups as (

    select distinct workspace_group_id from {{ ref('int_identity__client_group_customers') }}

),

-- The legal entity that serves each billing country (NetSuite subsidiary id).
country_subsidiaries as (

    select * from (
        values
            ('United States', '1'),
            ('Canada', '1'),
            ('United Kingdom', '2'),
            ('Ireland', '2'),
            ('Germany', '3'),
            ('Austria', '3'),
            ('Switzerland', '3'),
            ('Netherlands', '3')
    ) as mapping (billing_country, subsidiary_id)

),

joined as (

    select
        customers.customer_id,
        customers.company_name,
        customers.currency,
        customers.subsidiary_id,
        accounts.account_id,
        accounts.account_name,
        accounts.currency as account_currency,
        accounts.billing_country,
        group_customers.workspace_group_id,
        group_customers.group_name,
        group_customers.group_erp_customer_name,
        coalesce(group_customers.is_psa_name_mismatch, false) as is_psa_name_mismatch,
        accounts.account_id is null as is_crm_link_missing,
        {{ normalise_name('customers.company_name') }} as erp_name,
        {{ normalise_name('accounts.account_name') }} as crm_name,
        accounts.account_id is not null
            and customers.currency is distinct from accounts.currency as is_currency_mismatch,
        accounts.account_id is not null
            and customers.subsidiary_id is distinct from country_subsidiaries.subsidiary_id as is_legal_entity_mismatch

    from customers
    left join accounts
        on accounts.account_id = customers.external_id
    left join group_customers
        on group_customers.customer_id = customers.customer_id
    left join country_subsidiaries
        on country_subsidiaries.billing_country = accounts.billing_country

),

compared as (

    select
        *,
        (crm_name is not null and crm_name <> erp_name)
            or is_psa_name_mismatch as is_name_mismatch

    from joined

),

customer_exceptions as (

    select
        'customer:netsuite:' || customer_id as canonical_id,
        account_id,
        workspace_group_id,
        {{ json_object([
            "'mismatched_fields'", json_compact_array([
                "case when is_crm_link_missing then 'crm_link' end",
                "case when is_name_mismatch then 'name' end",
                "case when is_currency_mismatch then 'currency' end",
                "case when is_legal_entity_mismatch then 'legal_entity' end"
            ]),
            "'erp'", json_object(["'name'", "company_name", "'currency'", "currency", "'subsidiary'", "subsidiary_id"]),
            "'crm'", "case when account_id is not null then " ~ json_object(["'name'", "account_name", "'currency'", "account_currency", "'country'", "billing_country"]) ~ " end",
            "'psa'", "case when group_name is not null then " ~ json_object(["'name'", "group_name", "'erp_customer_name'", "group_erp_customer_name"]) ~ " end"
        ]) }} as details,
        customer_id

    from compared
    where is_crm_link_missing
        or is_name_mismatch
        or is_currency_mismatch
        or is_legal_entity_mismatch

),

unlinked_groups as (

    select groups.*
    from groups
    left join linked_groups
        on linked_groups.workspace_group_id = groups.workspace_group_id
    where groups.is_company
        and linked_groups.workspace_group_id is null

),

final as (

    select
        'R08' as rule_id,
        'medium' as severity,
        'customer' as domain,
        canonical_id,
        case
            when account_id is not null and workspace_group_id is not null then {{ json_object([
                "'netsuite'", json_object(["'customer'", "customer_id"]),
                "'salesforce'", json_object(["'account'", "account_id"]),
                "'kantata'", json_object(["'workspace_group'", "workspace_group_id"])
            ]) }}
            when account_id is not null then {{ json_object([
                "'netsuite'", json_object(["'customer'", "customer_id"]),
                "'salesforce'", json_object(["'account'", "account_id"])
            ]) }}
            when workspace_group_id is not null then {{ json_object([
                "'netsuite'", json_object(["'customer'", "customer_id"]),
                "'kantata'", json_object(["'workspace_group'", "workspace_group_id"])
            ]) }}
            else {{ json_object(["'netsuite'", json_object(["'customer'", "customer_id"])]) }}
        end as systems,
        details,
        cast(null as decimal(18, 2)) as amount_impact,
        cast(null as varchar) as currency,
        cast(null as decimal(18, 2)) as hours_impact

    from customer_exceptions

    union all

    select
        'R08' as rule_id,
        'medium' as severity,
        'customer' as domain,
        'customer:kantata:' || workspace_group_id as canonical_id,
        {{ json_object(["'kantata'", json_object(["'workspace_group'", "workspace_group_id"])]) }} as systems,
        {{ json_object([
            "'mismatched_fields'", json_compact_array(["'erp_link'"]),
            "'psa_name'", "group_name"
        ]) }} as details,
        cast(null as decimal(18, 2)) as amount_impact,
        cast(null as varchar) as currency,
        cast(null as decimal(18, 2)) as hours_impact

    from unlinked_groups

)

select * from final
