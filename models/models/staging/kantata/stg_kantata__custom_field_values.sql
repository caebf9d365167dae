with

source as (

    select * from {{ source('kantata', 'custom_field_values') }}
    where _pslink_deleted_at is null

),

renamed as (

    select
        cast(id as varchar) as custom_field_value_id,
        cast(subject_type as varchar) as subject_type,
        cast(subject_id as varchar) as subject_id,
        cast(custom_field_id as varchar) as custom_field_id,
        value,
        -- The value is any JSON: a text value as its text, another (a number, choice ids) as JSON.
        {{ json_text(json_object(["'value'", "value"]), 'value') }} as value_text,
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at

    from source

)

select * from renamed
