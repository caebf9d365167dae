{#- A workspace's client group (the lowest id when it names several) and the ERP customer that
    group links to (the highest id when it links to several), null where it links to none. -#}
with

client_groups as (

    select workspace_id, min(workspace_group_id) as workspace_group_id
    from {{ ref('int_identity__workspace_client_groups') }}
    group by workspace_id

),

group_customers as (

    select workspace_group_id, max(customer_id) as customer_id
    from {{ ref('int_identity__client_group_customers') }}
    group by workspace_group_id

),

final as (

    select
        client_groups.workspace_id,
        client_groups.workspace_group_id,
        group_customers.customer_id

    from client_groups
    left join group_customers
        on group_customers.workspace_group_id = client_groups.workspace_group_id

)

select * from final
