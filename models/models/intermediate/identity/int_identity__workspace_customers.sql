{#- A workspace's client group (the lowest id when it names several) and the ERP customer its
    project belongs to: the one customer that group links to or, when it links to several (a
    client signed by more than one legal entity, a customer in each subsidiary), the one of them
    in the workspace's currency. customer_id is null when the group links to none, or when that
    still leaves several or none; linked_customers counts the group's links. -#}
with

client_groups as (

    select workspace_id, min(workspace_group_id) as workspace_group_id
    from {{ ref('int_identity__workspace_client_groups') }}
    group by workspace_id

),

workspaces as (

    select * from {{ ref('stg_kantata__workspaces') }}

),

customers as (

    select * from {{ ref('stg_netsuite__customers') }}

),

linked as (

    select
        client_groups.workspace_id,
        client_groups.workspace_group_id,
        links.customer_id,
        customers.currency = workspaces.currency as is_in_workspace_currency

    from client_groups
    inner join workspaces
        on workspaces.workspace_id = client_groups.workspace_id
    inner join {{ ref('int_identity__client_group_customers') }} as links
        on links.workspace_group_id = client_groups.workspace_group_id
    left join customers
        on customers.customer_id = links.customer_id

),

chosen as (

    select
        workspace_id,
        count(*) as linked_customers,
        case
            when count(*) = 1 then min(customer_id)
            when count(case when is_in_workspace_currency then 1 end) = 1
                then min(case when is_in_workspace_currency then customer_id end)
        end as customer_id

    from linked
    group by workspace_id

),

final as (

    select
        client_groups.workspace_id,
        client_groups.workspace_group_id,
        chosen.customer_id,
        coalesce(chosen.linked_customers, 0) as linked_customers

    from client_groups
    left join chosen
        on chosen.workspace_id = client_groups.workspace_id

)

select * from final
