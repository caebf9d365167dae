with

source as (

    select * from {{ source('salesforce', 'opportunity') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as opportunity_id,
        cast(account_id as varchar) as account_id,
        cast(name as varchar) as opportunity_name,
        cast(stage_name as varchar) as stage_name,
        coalesce(cast(is_won as boolean), false) as is_won,
        coalesce(cast(is_closed as boolean), false) as is_closed,
        cast(close_date as date) as close_date,
        cast(amount as decimal(18, 2)) as amount,
        cast(currency_iso_code as varchar) as currency,
        coalesce(cast(is_deleted as boolean), false) as is_deleted,
        cast(created_date as timestamptz) as created_at,
        cast(system_modstamp as timestamptz) as modified_at

    from source

)

select * from renamed
