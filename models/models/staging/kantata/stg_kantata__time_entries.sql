with

source as (

    select * from {{ source('kantata', 'time_entries') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as time_entry_id,
        cast(workspace_id as varchar) as workspace_id,
        cast(user_id as varchar) as user_id,
        cast(story_id as varchar) as story_id,
        cast(role_id as varchar) as role_id,
        cast(date_performed as date) as date_performed,
        cast(time_in_minutes as bigint) as time_minutes,
        cast(time_in_minutes as decimal(18, 6)) / 60 as hours,
        coalesce(cast(billable as boolean), false) as is_billable,
        cast(rate_in_cents as bigint) as rate_cents,
        cast(rate_in_cents as decimal(18, 2)) / 100 as rate_amount,
        cast(cost_rate_in_cents as bigint) as cost_rate_cents,
        cast(cost_rate_in_cents as decimal(18, 2)) / 100 as cost_rate_amount,
        cast(currency as varchar) as currency,
        coalesce(cast(approved as boolean), false) as is_approved,
        coalesce(cast(is_invoiced as boolean), false) as is_invoiced,
        cast(invoice_id as varchar) as invoice_id,
        cast(notes as varchar) as notes,
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at

    from source

)

select * from renamed
