with

source as (

    select * from {{ source('netsuite', 'customer') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as customer_id,
        cast(entityid as varchar) as entity_code,
        cast(companyname as varchar) as company_name,
        nullif(cast(externalid as varchar), '') as external_id,
        cast(subsidiary as varchar) as subsidiary_id,
        cast(currency as varchar) as currency,
        coalesce(cast(isinactive as boolean), false) as is_inactive,
        cast(lastmodifieddate as timestamptz) as modified_at

    from source

)

select * from renamed
