with

source as (

    select * from {{ source('kantata', 'assignments') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as assignment_id,
        cast(story_id as varchar) as story_id,
        cast(assignee_id as varchar) as user_id,
        cast(workspace_id as varchar) as workspace_id,
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at

    from source

)

select * from renamed
