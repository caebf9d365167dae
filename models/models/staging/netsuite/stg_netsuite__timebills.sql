with

source as (

    select * from {{ source('netsuite', 'timebill') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as timebill_id,
        cast(employee as varchar) as employee_id,
        -- NetSuite keeps the project of a time bill in its `customer` column.
        cast(customer as varchar) as job_id,
        cast(hours as decimal(18, 6)) as hours,
        coalesce(cast(isbillable as boolean), false) as is_billable,
        cast(rate as decimal(18, 2)) as rate,
        cast(trandate as date) as tran_date,
        cast(approvalstatus as varchar) as approval_status,
        nullif(cast(externalid as varchar), '') as external_id,
        nullif(cast(custcol_kantata_time_entry as varchar), '') as kantata_time_entry_id,
        cast(memo as varchar) as memo,
        cast(lastmodifieddate as timestamptz) as modified_at

    from source

)

select * from renamed
