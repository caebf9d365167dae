{#- The firm's legal entities: NetSuite subsidiaries (the system of record), with the Workday
    company name that denotes the same entity. -#}
with

subsidiaries as (

    select * from {{ ref('stg_netsuite__subsidiaries') }}

),

final as (

    select
        'legal_entity:netsuite:' || subsidiary_id as legal_entity_id,
        subsidiary_id as netsuite_subsidiary_id,
        subsidiary_name as legal_entity_name,
        currency as functional_currency,
        country

    from subsidiaries

)

select * from final
