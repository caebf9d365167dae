with

source as (

    select * from {{ source('netsuite', 'transactionline') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(uniquekey as varchar) as transaction_line_key,
        cast("transaction" as varchar) as transaction_id,
        cast(id as varchar) as line_id,
        coalesce(cast(mainline as boolean), false) as is_mainline,
        cast(netamount as decimal(18, 2)) as net_amount,
        cast(foreignamount as decimal(18, 2)) as foreign_amount,
        cast(item as varchar) as item_id,
        cast(entity as varchar) as entity_id,
        cast(memo as varchar) as memo,
        cast(linelastmodifieddate as timestamptz) as modified_at

    from source

)

select * from renamed
