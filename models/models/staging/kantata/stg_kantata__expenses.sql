with

source as (

    select * from {{ source('kantata', 'expenses') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as expense_id,
        cast(workspace_id as varchar) as workspace_id,
        cast(user_id as varchar) as user_id,
        cast("date" as date) as expense_date,
        cast(category as varchar) as category,
        cast(notes as varchar) as notes,
        cast(amount_in_cents as bigint) as amount_cents,
        cast(amount_in_cents as decimal(18, 2)) / 100 as amount,
        cast(currency as varchar) as currency,
        coalesce(cast(is_billable as boolean), false) as is_billable,
        coalesce(cast(approved as boolean), false) as is_approved,
        coalesce(cast(is_invoiced as boolean), false) as is_invoiced,
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at

    from source

)

select * from renamed
