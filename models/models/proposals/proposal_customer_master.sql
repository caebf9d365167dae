{#- R08: NetSuite owns the customer master. Where a linked Salesforce Account's name or currency
    differs, propose NetSuite's; where a Kantata client group's name differs (each of the
    customer's groups that does), propose NetSuite's name into the group's "ERP customer name" custom field (var kantata_customer_name_field_id,
    read back by int_identity__client_group_erp_names), since the Kantata API does not rename
    workspace groups; a group whose field already holds the name needs no write. -#}
with

exceptions as (

    select * from {{ ref('exceptions') }}
    where status = 'open'
        and rule_id = 'R08'
        and canonical_id like 'customer:netsuite:%'

),

customers as (

    select * from {{ ref('stg_netsuite__customers') }}

),

accounts as (

    select * from {{ ref('stg_salesforce__accounts') }}

),

group_customers as (

    select * from {{ ref('int_identity__client_group_customers') }}

),

groups as (

    select * from {{ ref('stg_kantata__workspace_groups') }}

),

group_erp_names as (

    select * from {{ ref('int_identity__client_group_erp_names') }}

),

compared as (

    select
        exceptions.exception_id,
        exceptions.canonical_id,
        customers.customer_id,
        customers.company_name,
        customers.currency,
        customers.subsidiary_id,
        accounts.account_id,
        accounts.account_name,
        accounts.currency as account_currency,
        accounts.billing_country,
        groups.workspace_group_id,
        groups.group_name,
        group_erp_names.erp_customer_name as group_erp_customer_name

    from exceptions
    inner join customers
        on 'customer:netsuite:' || customers.customer_id = exceptions.canonical_id
    left join accounts
        on accounts.account_id = customers.external_id
    left join group_customers
        on group_customers.customer_id = customers.customer_id
    left join groups
        on groups.workspace_group_id = group_customers.workspace_group_id
    left join group_erp_names
        on group_erp_names.workspace_group_id = groups.workspace_group_id

),

account_updates as (

    select
        'R08:' || canonical_id || ':Account:' || account_id as proposal_key,
        'R08' as rule_id,
        exception_id,
        'customer_master' as domain,
        'netsuite' as source_system,
        'salesforce' as target_system,
        'Account' as object,
        account_id as target_id,
        'update' as operation,
        -- Only the fields R08 finds in disagreement: a name that differs only in case or
        -- spacing is the same name to the rule, and must not be rewritten.
        case
            when is_name_mismatch and is_currency_mismatch
                then {{ json_object(["'Name'", "company_name", "'CurrencyIsoCode'", "currency"]) }}
            when is_name_mismatch
                then {{ json_object(["'Name'", "company_name"]) }}
            else {{ json_object(["'CurrencyIsoCode'", "currency"]) }}
        end as fields,
        {{ json_object([
            "'netsuite_customer'", "customer_id",
            "'erp_name'", "company_name",
            "'crm_name'", "account_name",
            "'erp_currency'", "currency",
            "'crm_currency'", "account_currency",
            "'erp_subsidiary'", "subsidiary_id",
            "'crm_billing_country'", "billing_country"
        ]) }} as evidence

    from (
        select
            *,
            -- R08's own comparisons (int_recon__r08_customer_master_mismatch).
            coalesce({{ normalise_name('account_name') }} <> {{ normalise_name('company_name') }}, false) as is_name_mismatch,
            account_currency is distinct from currency as is_currency_mismatch
        from (
            select distinct
                canonical_id, exception_id, customer_id, company_name, currency, subsidiary_id,
                account_id, account_name, account_currency, billing_country
            from compared
        ) distinct_accounts
    ) customer_accounts
    where account_id is not null
        and (is_name_mismatch or is_currency_mismatch)

),

group_updates as (

    select
        'R08:' || canonical_id || ':custom_field_values:' || workspace_group_id as proposal_key,
        'R08' as rule_id,
        exception_id,
        'customer_master' as domain,
        'netsuite' as source_system,
        'kantata' as target_system,
        'custom_field_values' as object,
        'WorkspaceGroup:' || workspace_group_id || ':{{ var("kantata_customer_name_field_id") }}' as target_id,
        'upsert' as operation,
        {{ json_object([
            "'subject_type'", "'WorkspaceGroup'",
            "'subject_id'", "workspace_group_id",
            "'custom_field_id'", "'" ~ var("kantata_customer_name_field_id") ~ "'",
            "'value'", "company_name"
        ]) }} as fields,
        {{ json_object([
            "'netsuite_customer'", "customer_id",
            "'erp_name'", "company_name",
            "'psa_name'", "group_name",
            "'psa_erp_customer_name'", "group_erp_customer_name"
        ]) }} as evidence

    from compared
    where workspace_group_id is not null
        and {{ normalise_name('group_name') }} <> {{ normalise_name('company_name') }}
        and {{ normalise_name('group_erp_customer_name') }} is distinct from {{ normalise_name('company_name') }}

),

final as (

    select * from account_updates
    union all
    select * from group_updates

)

select * from final
