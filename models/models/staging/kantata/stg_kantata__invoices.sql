with

source as (

    select * from {{ source('kantata', 'invoices') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as invoice_id,
        cast(workspace_id as varchar) as workspace_id,
        cast(invoice_date as date) as invoice_date,
        cast(currency as varchar) as currency,
        cast(status as varchar) as status,
        cast(amount_in_cents as bigint) as amount_cents,
        cast(amount_in_cents as decimal(18, 2)) / 100 as amount,
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at

    from source

)

select * from renamed
