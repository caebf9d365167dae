with

source as (

    select * from {{ source('kantata', 'workspaces') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as workspace_id,
        cast(title as varchar) as title,
        cast(currency as varchar) as currency,
        cast(price_in_cents as bigint) as price_cents,
        cast(price_in_cents as decimal(18, 2)) / 100 as price_amount,
        coalesce(cast(budgeted as boolean), false) as is_budgeted,
        cast(start_date as date) as start_date,
        cast(due_date as date) as due_date,
        cast({{ json_text('status', 'key') }} as integer) as status_key,
        {{ json_text('status', 'message') }} as status_message,
        coalesce(cast(archived as boolean), false) as is_archived,
        workspace_group_ids,
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at

    from source

)

select * from renamed
