{#- PSA workspace → CRM opportunity: a Workspace external reference to a Salesforce Opportunity. -#}
with

external_references as (

    select * from {{ ref('stg_kantata__external_references') }}
    where subject_type = 'Workspace'
        and service_name = 'Salesforce'
        and service_model = 'Opportunity'

),

workspaces as (

    select * from {{ ref('stg_kantata__workspaces') }}

),

final as (

    select distinct
        workspaces.workspace_id,
        external_references.service_model_ref as opportunity_id

    from external_references
    inner join workspaces
        on workspaces.workspace_id = external_references.subject_id

)

select * from final
