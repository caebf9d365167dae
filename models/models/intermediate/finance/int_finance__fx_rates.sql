{#- Reference FX rates for converting transaction amounts to a legal entity's functional currency:
    one rate per currency into USD, crossed into every pair. They are planning rates, not a
    market feed: replace this model (or join a rates table here) to use your treasury's rates. -#}
with

usd_rates as (

    select * from (
        values
            ('USD', 1.000000),
            ('EUR', 1.080000),
            ('GBP', 1.270000),
            ('CAD', 0.730000),
            ('CHF', 1.120000)
    ) as rates (currency, usd_rate)

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
