{#- PSA client group → ERP customer: a WorkspaceGroup external reference to a NetSuite customer.
    Kept whether or not both ends exist, so a dangling link still counts as a link (R08). -#}
with

external_references as (

    select * from {{ ref('stg_kantata__external_references') }}
    where subject_type = 'WorkspaceGroup'
        and service_name = 'NetSuite'
        and service_model = 'customer'

),

final as (

    select distinct
        subject_id as workspace_group_id,
        service_model_ref as customer_id

    from external_references

)

select * from final
