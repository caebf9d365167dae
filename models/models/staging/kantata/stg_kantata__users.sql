with

source as (

    select * from {{ source('kantata', 'users') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as user_id,
        cast(full_name as varchar) as full_name,
        cast(email_address as varchar) as email,
        cast(headline as varchar) as headline,
        coalesce(cast(disabled as boolean), false) as is_disabled,
        cast(cost_rate_in_cents as bigint) as cost_rate_cents,
        cast(cost_rate_in_cents as decimal(18, 2)) / 100 as cost_rate_amount,
        cast(cost_rate_currency as varchar) as cost_rate_currency,
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at

    from source

)

select * from renamed
