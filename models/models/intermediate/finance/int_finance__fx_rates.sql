{#- Reference FX rates for converting amounts between currencies: one rate per currency into USD
    (the `fx_rates` seed, seeds/fx_rates.csv), crossed into every pair. The shipped rates are
    planning rates, not a market feed: put your treasury's rates in the seed (`pslink build`
    loads it with the models). -#}
with

usd_rates as (

    select * from {{ ref('fx_rates') }}

),

final as (

    select
        from_rates.currency as from_currency,
        to_rates.currency as to_currency,
        cast(from_rates.usd_rate / to_rates.usd_rate as decimal(18, 8)) as rate

    from usd_rates as from_rates
    cross join usd_rates as to_rates

)

select * from final
