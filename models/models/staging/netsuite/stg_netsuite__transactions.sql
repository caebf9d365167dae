with

source as (

    select * from {{ source('netsuite', 'transaction') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as transaction_id,
        cast(type as varchar) as transaction_type,
        cast(tranid as varchar) as document_number,
        cast(trandate as date) as tran_date,
        cast(entity as varchar) as entity_id,
        cast(status as varchar) as status,
        cast(foreigntotal as decimal(18, 2)) as foreign_total,
        cast(currency as varchar) as currency,
        cast(postingperiod as varchar) as accounting_period_id,
        nullif(cast(externalid as varchar), '') as external_id,
        cast(memo as varchar) as memo,
        cast(lastmodifieddate as timestamptz) as modified_at

    from source

)

select * from renamed
