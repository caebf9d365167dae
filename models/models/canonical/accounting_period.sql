with

periods as (

    select * from {{ ref('stg_netsuite__accounting_periods') }}
    where not is_year and not is_quarter

),

final as (

    select
        'accounting_period:netsuite:' || accounting_period_id as accounting_period_id,
        accounting_period_id as netsuite_period_id,
        period_name,
        start_date,
        end_date,
        is_closed

    from periods

)

select * from final
