{#- Every FX rate is a positive number (int_finance__fx_rates divides by them), in force from the
    first of a month (a month converts at one rate), once per currency and month. -#}
with

rates as (

    select * from {{ ref('fx_rates') }}

),

repeated as (

    select currency, valid_from
    from rates
    group by currency, valid_from
    having count(*) > 1

)

select currency, usd_rate, valid_from, 'not a positive rate' as problem
from rates
where usd_rate <= 0
union all
select currency, usd_rate, valid_from, 'not the first of a month' as problem
from rates
where extract(day from valid_from) <> 1
union all
select currency, null as usd_rate, valid_from, 'two rates for one month' as problem
from repeated
