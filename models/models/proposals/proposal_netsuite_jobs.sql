{#- R05: an active Kantata workspace has no NetSuite job; propose creating it (externalId
    KOX-WS-<workspace>) under the customer its client group links to (among several, the one in
    the workspace's currency), in that customer's subsidiary. Workspaces whose client group has no
    NetSuite customer wait for R08 first; those whose group links to several, none or more than
    one of them in the workspace's currency, are left to a person. -#}
with

exceptions as (

    select * from {{ ref('exceptions') }}
    where status = 'open'
        and rule_id = 'R05'

),

workspaces as (

    select * from {{ ref('stg_kantata__workspaces') }}

),

workspace_customers as (

    select * from {{ ref('int_identity__workspace_customers') }}

),

customers as (

    select * from {{ ref('stg_netsuite__customers') }}

),

creatable as (

    select
        exceptions.exception_id,
        exceptions.canonical_id,
        workspaces.*,
        customers.customer_id,
        customers.subsidiary_id,
        case workspaces.status_key
            when 200 then '3'
            when 310 then '2'
            when 330 then '4'
            else '1'
        end as entity_status

    from exceptions
    inner join workspaces
        on 'project:kantata:' || workspaces.workspace_id = exceptions.canonical_id
    inner join workspace_customers
        on workspace_customers.workspace_id = workspaces.workspace_id
    inner join customers
        on customers.customer_id = workspace_customers.customer_id

),

final as (

    select
        'R05:' || canonical_id || ':job' as proposal_key,
        'R05' as rule_id,
        exception_id,
        -- The project exists in delivery (Kantata owns execution); NetSuite subscribes to it.
        'project_execution' as domain,
        'kantata' as source_system,
        'netsuite' as target_system,
        'job' as object,
        cast(null as varchar) as target_id,
        'create' as operation,
        {{ json_object([
            "'externalId'", "'KOX-WS-' || workspace_id",
            "'companyName'", "title",
            "'parent'", json_object(["'id'", "customer_id"]),
            "'subsidiary'", json_object(["'id'", "subsidiary_id"]),
            "'currency'", json_object(["'id'", "currency"]),
            "'entityStatus'", json_object(["'id'", "entity_status"]),
            "'startDate'", "cast(start_date as varchar)",
            "'projectedEndDate'", "cast(due_date as varchar)",
            "'projectedTotalValue'", "price_amount"
        ]) }} as fields,
        {{ json_object([
            "'kantata_workspace'", "workspace_id",
            "'title'", "title",
            "'status'", "status_message",
            "'budget'", "price_amount",
            "'currency'", "currency"
        ]) }} as evidence

    from creatable

)

select * from final
