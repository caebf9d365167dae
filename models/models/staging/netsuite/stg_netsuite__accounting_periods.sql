with

source as (

    select * from {{ source('netsuite', 'accountingperiod') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as accounting_period_id,
        cast(periodname as varchar) as period_name,
        cast(startdate as date) as start_date,
        cast(enddate as date) as end_date,
        coalesce(cast(closed as boolean), false) as is_closed,
        coalesce(cast(isyear as boolean), false) as is_year,
        coalesce(cast(isquarter as boolean), false) as is_quarter,
        cast(lastmodifieddate as timestamptz) as modified_at

    from source

)

select * from renamed
