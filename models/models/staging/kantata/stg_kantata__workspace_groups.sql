with

source as (

    select * from {{ source('kantata', 'workspace_groups') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as workspace_group_id,
        cast(name as varchar) as group_name,
        coalesce(cast(company as boolean), false) as is_company,
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at

    from source

)

select * from renamed
