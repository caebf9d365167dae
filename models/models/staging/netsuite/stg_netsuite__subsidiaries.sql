with

source as (

    select * from {{ source('netsuite', 'subsidiary') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as subsidiary_id,
        cast(name as varchar) as subsidiary_name,
        cast(currency as varchar) as currency,
        cast(country as varchar) as country,
        cast(lastmodifieddate as timestamptz) as modified_at

    from source

)

select * from renamed
