with

source as (

    select * from {{ source('netsuite', 'job') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as job_id,
        cast(entityid as varchar) as entity_code,
        cast(companyname as varchar) as company_name,
        cast(parent as varchar) as parent_customer_id,
        cast(customer as varchar) as customer_id,
        nullif(cast(externalid as varchar), '') as external_id,
        cast(subsidiary as varchar) as subsidiary_id,
        cast(currency as varchar) as currency,
        cast(entitystatus as varchar) as entity_status,
        cast(jobbillingtype as varchar) as billing_type,
        cast(startdate as date) as start_date,
        cast(projectedenddate as date) as projected_end_date,
        cast(projectedtotalvalue as decimal(18, 2)) as projected_total_value,
        cast(lastmodifieddate as timestamptz) as modified_at

    from source

)

select * from renamed
