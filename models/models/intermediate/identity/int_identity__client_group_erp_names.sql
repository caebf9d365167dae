{#- PSA client group → the ERP customer name its "ERP customer name" custom field holds (the field
    R08 write-backs set: var kantata_customer_name_field_id). Setting a value replaces the old one
    under a new id, and the old one stays landed until a key scan: the newest value wins. -#}
with

custom_field_values as (

    select * from {{ ref('stg_kantata__custom_field_values') }}
    where subject_type = 'WorkspaceGroup'
        and custom_field_id = '{{ var("kantata_customer_name_field_id") }}'

),

ranked as (

    select
        subject_id as workspace_group_id,
        value_text as erp_customer_name,
        updated_at,
        row_number() over (
            partition by subject_id
            order by
                updated_at desc,
                length(custom_field_value_id) desc,
                custom_field_value_id desc
        ) as recency

    from custom_field_values

),

final as (

    select
        workspace_group_id,
        erp_customer_name,
        updated_at

    from ranked
    where recency = 1

)

select * from final
