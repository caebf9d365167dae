with

source as (

    select * from {{ source('kantata', 'external_references') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as external_reference_id,
        cast(subject_type as varchar) as subject_type,
        cast(subject_id as varchar) as subject_id,
        cast(service_name as varchar) as service_name,
        cast(service_model as varchar) as service_model,
        cast(service_model_ref as varchar) as service_model_ref,
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at

    from source

)

select * from renamed
