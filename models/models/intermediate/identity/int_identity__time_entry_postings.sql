{#- PSA time entry → ERP time bills (custcol_kantata_time_entry). The primary posting is the one
    carrying externalid KOX-TE-<entry id>, else the lowest time bill id. -#}
with

timebills as (

    select * from {{ ref('stg_netsuite__timebills') }}
    where kantata_time_entry_id is not null

),

ranked as (

    select
        timebill_id,
        kantata_time_entry_id as time_entry_id,
        job_id,
        employee_id,
        hours,
        is_billable,
        rate,
        tran_date,
        row_number() over (
            partition by kantata_time_entry_id
            order by
                case when external_id = 'KOX-TE-' || kantata_time_entry_id then 0 else 1 end,
                {{ id_order('timebill_id') }}
        ) as posting_rank,
        count(*) over (partition by kantata_time_entry_id) as posting_count

    from timebills

),

final as (

    select
        *,
        posting_rank = 1 as is_primary

    from ranked

)

select * from final
