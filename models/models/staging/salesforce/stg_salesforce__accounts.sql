with

source as (

    select * from {{ source('salesforce', 'account') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as account_id,
        cast(name as varchar) as account_name,
        cast(currency_iso_code as varchar) as currency,
        cast(billing_country as varchar) as billing_country,
        cast(industry as varchar) as industry,
        coalesce(cast(is_deleted as boolean), false) as is_deleted,
        cast(created_date as timestamptz) as created_at,
        cast(system_modstamp as timestamptz) as modified_at

    from source

)

select * from renamed
