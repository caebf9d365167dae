with

source as (

    select * from {{ source('kantata', 'stories') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as story_id,
        cast(title as varchar) as title,
        cast(story_type as varchar) as story_type,
        cast(state as varchar) as state,
        cast(workspace_id as varchar) as workspace_id,
        cast(due_date as date) as due_date,
        cast(budget_estimate_in_cents as bigint) as budget_estimate_cents,
        cast(budget_estimate_in_cents as decimal(18, 2)) / 100 as budget_estimate_amount,
        coalesce(cast(billable as boolean), false) as is_billable,
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at

    from source

)

select * from renamed
