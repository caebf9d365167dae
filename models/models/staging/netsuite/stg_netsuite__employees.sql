with

source as (

    select * from {{ source('netsuite', 'employee') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as employee_id,
        cast(entityid as varchar) as entity_code,
        cast(email as varchar) as email,
        nullif(cast(externalid as varchar), '') as external_id,
        cast(subsidiary as varchar) as subsidiary_id,
        cast(laborcost as decimal(18, 2)) as labor_cost,
        coalesce(cast(isinactive as boolean), false) as is_inactive,
        cast(lastmodifieddate as timestamptz) as modified_at

    from source

)

select * from renamed
