{#- A workspace's client group: the entry of workspace_group_ids whose group is a company. -#}
with

workspaces as (

    select * from {{ ref('stg_kantata__workspaces') }}

),

memberships as (

    select
        workspaces.workspace_id,
        members.workspace_group_id

    from workspaces
    cross join {{ json_text_elements('workspaces.workspace_group_ids', 'members', 'workspace_group_id') }}

),

groups as (

    select * from {{ ref('stg_kantata__workspace_groups') }}
    where is_company

),

final as (

    select distinct
        memberships.workspace_id,
        groups.workspace_group_id

    from memberships
    inner join groups
        on groups.workspace_group_id = memberships.workspace_group_id

)

select * from final
